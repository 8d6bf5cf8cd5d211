import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAnsibleInventory } from './ansible';
import { NESTED_YAML } from '../../../e2e/testbeds/ansibleFixtures';

// Ansible itself is the reference: `ansible-inventory --list` prints every host with its merged
// variables and every group with its direct hosts. For inventories that use the tricky parts
// (variable precedence by group depth and name, children of children, ranges with ports, inline
// comments, quoting, [all:vars], YAML nesting), Fleetdeck's reading must agree with Ansible's.
// Needs Debian's ansible-core (installed by .ci/run).

const IMPLICIT = new Set(['all', 'ungrouped']);
const ENVIRONMENTS = new Set(['production', 'staging']);

interface AnsibleList {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta'];
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-ansible-ref-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ansibleList(file: string): AnsibleList {
  const out = execFileSync('ansible-inventory', ['-i', file, '--list'], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_INVENTORY_UNPARSED_FAILED: '1', ANSIBLE_LOCAL_TEMP: dir, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as AnsibleList;
}

/** What Fleetdeck should make of each host, derived from Ansible's own output. */
function expectedFrom(list: AnsibleList, file: string, varsDir = path.dirname(file)) {
  const direct = new Map<string, string[]>();
  for (const [group, body] of Object.entries(list)) {
    if (group === '_meta' || IMPLICIT.has(group) || ENVIRONMENTS.has(group)) continue;
    for (const host of (body as { hosts?: string[] }).hosts ?? []) direct.set(host, [...(direct.get(host) ?? []), group]);
  }
  const names = new Set<string>(Object.keys(list._meta.hostvars));
  for (const [group, body] of Object.entries(list)) if (group !== '_meta') for (const h of (body as { hosts?: string[] }).hosts ?? []) names.add(h);
  return [...names].sort().map((name) => {
    const vars = list._meta.hostvars[name] ?? {};
    const labels: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(vars)) if (!k.startsWith('ansible_')) labels[k] = typeof v === 'object' && v !== null ? v : String(v);
    const key = vars.ansible_ssh_private_key_file;
    return {
      name,
      address: (vars.ansible_host ?? vars.ansible_ssh_host) as string | undefined,
      port: vars.ansible_port === undefined ? undefined : Number(vars.ansible_port),
      user: vars.ansible_user as string | undefined,
      identity: typeof key === 'string' ? path.resolve(varsDir, key) : undefined,
      roles: (direct.get(name) ?? []).sort(),
      labels,
    };
  });
}

function ours(file: string) {
  const result = readAnsibleInventory({ file, home: dir });
  expect(result.problems).toEqual([]);
  return result.hosts
    .map((h) => {
      const labels: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(h.settings.labels ?? {})) labels[k] = v.startsWith('{') || v.startsWith('[') ? JSON.parse(v) : v;
      return {
        name: h.name,
        address: h.address,
        port: h.settings.port,
        user: h.settings.user,
        identity: h.settings.identity,
        roles: h.roles.filter((r) => r !== 'hosts').sort(),
        labels,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const INVENTORIES: Record<string, string> = {
  'production.ini': `# Production inventory
mail.example.com

[webservers]
web[01:03].example.com  datacenter=ams
foo.example.com ansible_host=192.0.2.50 ansible_port=5555 ansible_user=ubuntu  # the old one
badwolf.example.com:5309
web[08:09].example.com:2222 note="two words"

[dbservers]
db-[a:b].example.com ansible_ssh_private_key_file=keys/db.pem
; a semicolon comment
odd[1:5:2].example.com

[production:children]
webservers
dbservers

[production:vars]
ansible_user=deploy
ansible_ssh_common_args='-o ProxyJump=bastion.example.com'
tier = "gold plated"

[webservers:vars]
tier=web
`,
  'layered.ini': `[all:vars]
owner=platform
region=eu

[atlanta]
host1
host2 region=us-east

[raleigh]
host2
host3 ansible_ssh_host=10.0.0.3

[southeast:children]
atlanta
raleigh

[southeast:vars]
region=us-se
owner=southeast-team

[atlanta:vars]
owner=atlanta-team

[raleigh:vars]
owner=raleigh-team

[usa:children]
southeast
`,
  'quirks.ini': `[app]
app1 flag=True count=5 zero=05 quoted="it's" path=/srv/app empty= spaced='a  b'
app2:2200   # a comment after a port
[app:vars]
flag2=no
num=1.50
[db]
app2
`,
  'nested.yml': NESTED_YAML,
};

/** An inventory with group_vars/ and host_vars/ beside it, as real projects keep them: files with
 * and without extensions, a folder per group, and values that outrank one another. */
const WITH_VARS_DIRS: Record<string, string> = {
  'hosts.ini': `[all:vars]
owner=inventory-all
[web]
web1 ansible_user=inline
web2
[db]
db1
[production:children]
web
db
[production:vars]
ansible_user=inventory-production
owner=inventory-production
`,
  'group_vars/all.yml': 'owner: group-vars-all\nansible_user: all-user\nntp: pool.ntp.org\n',
  'group_vars/production.yaml': '---\nansible_port: 2200\nenv_note: "from production"\n',
  'group_vars/web/10-main.yml': 'ansible_user: web-user\nsizes: [s, m]\n',
  'group_vars/web/20-more.json': '{ "ansible_port": 2201, "tier": "web" }\n',
  'group_vars/db': 'ansible_ssh_private_key_file: keys/db.pem\n',
  'host_vars/web2.yml': 'ansible_host: 10.0.0.12\nansible_user: web2-user\n',
  'host_vars/db1/main.yml': 'ansible_port: 5432\n',
};

function writeTree(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name.replace(/\W/g, '_'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return path.join(root, Object.keys(files)[0]!);
}

describe('Ansible inventories read as ansible-inventory reads them', () => {
  for (const [name, text] of Object.entries(INVENTORIES)) {
    it(name, () => {
      const file = writeTree(name, { [name]: text });
      expect(ours(file)).toEqual(expectedFrom(ansibleList(file), file));
    });
  }

  it('an inventory exported as YAML by ansible-inventory reads like the original', () => {
    // What a user of a dynamic inventory is told to do: `ansible-inventory -i X --list -y`.
    const original = writeTree('export-source.ini', { 'export-source.ini': INVENTORIES['production.ini']! });
    const exported = path.join(path.dirname(original), 'exported.yml');
    const out = execFileSync('ansible-inventory', ['-i', original, '--list', '-y'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1', HOME: dir } });
    fs.writeFileSync(exported, out);
    const plain = (file: string) => ours(file).map((h) => ({ ...h, identity: h.identity && path.basename(h.identity) }));
    expect(plain(exported)).toEqual(plain(original));
  });

  it('an inventory folder', () => {
    const file = writeTree('folder', {
      hosts: '[web]\nweb1\n[production:children]\nweb\n',
      'prod.yml': 'all:\n  children:\n    db:\n      hosts:\n        db1: { ansible_port: 5432 }\n',
      'extra.ini': '[web]\nskipped-because-ini\n',
      'README.md': '[web]\nreadme-host\n',
      'x.retry': '[web]\nretry-host\n',
      'hosts~': '[web]\nbackup-host\n',
      'sub/more': '[web]\nsub-host ansible_ssh_private_key_file=keys/k\n',
      'group_vars/web.yml': 'ansible_user: web-user\n',
      'group_vars/all/main.yml': 'owner: ops\n',
    });
    const folder = path.dirname(file);
    const expected = expectedFrom(ansibleList(folder), folder, folder);
    expect(expected.map((h) => h.name)).toEqual(['db1', 'sub-host', 'web1']);
    expect(ours(folder)).toEqual(expected);
  });

  it('with group_vars/ and host_vars/', () => {
    const file = writeTree('vars-dirs', WITH_VARS_DIRS);
    const expected = expectedFrom(ansibleList(file), file);
    expect(ours(file)).toEqual(expected);
    // The reference agrees with what the files say, so the comparison above is not vacuous.
    expect(expected.find((h) => h.name === 'web1')).toMatchObject({ user: 'inline', port: 2201 });
    expect(expected.find((h) => h.name === 'web2')).toMatchObject({ user: 'web2-user', address: '10.0.0.12' });
    expect(expected.find((h) => h.name === 'db1')).toMatchObject({ port: 5432, user: 'all-user' });
  });
});
