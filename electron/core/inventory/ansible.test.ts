import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../../shared/fleet/imported';
import { readAnsibleInventory } from './ansible';
import { NESTED_YAML } from '../../../e2e/testbeds/ansibleFixtures';

// Realistic inventories, in the shapes Ansible's own documentation and real projects use.

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-ansible-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function read(name: string, text: string, environment?: string): ImportResult & { file: string } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { ...readAnsibleInventory({ file, home: '/home/op', environment }), file };
}
const byName = (result: ImportResult) => Object.fromEntries(result.hosts.map((h) => [h.name, h]));

const INI = `# Production inventory
mail.example.com

[webservers]
web[01:03].example.com  datacenter=ams
foo.example.com ansible_host=192.0.2.50 ansible_port=5555 ansible_user=ubuntu  # the old one
badwolf.example.com:5309

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
`;

describe('Ansible INI inventory', () => {
  it('reads groups, children, vars, ranges and connection settings', () => {
    const result = read('hosts', INI);
    expect(result.problems).toEqual([]);
    expect(result.files).toEqual([result.file]);
    expect(result.hosts.map((h) => h.name)).toEqual([
      'mail.example.com',
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
      'foo.example.com',
      'badwolf.example.com',
      'db-a.example.com',
      'db-b.example.com',
      'odd1.example.com',
      'odd3.example.com',
      'odd5.example.com',
    ]);
    const hosts = byName(result);
    expect(hosts['mail.example.com']).toMatchObject({ environment: 'ansible', roles: ['hosts'], settings: {} });
    // webservers' vars (a child) win over production's (its parent); the host's own win over both.
    expect(hosts['web02.example.com']).toMatchObject({
      environment: 'production',
      roles: ['webservers'],
      settings: { user: 'deploy', jump: 'bastion.example.com', labels: { datacenter: 'ams', tier: 'web' } },
      source: { file: result.file, line: 5 },
    });
    expect(hosts['foo.example.com']).toMatchObject({ address: '192.0.2.50', settings: { port: 5555, user: 'ubuntu' } });
    expect(hosts['badwolf.example.com']!.settings.port).toBe(5309);
    expect(hosts['db-b.example.com']).toMatchObject({ roles: ['dbservers'], settings: { identity: path.join(dir, 'keys/db.pem'), labels: { tier: 'gold plated' } } });
  });

  it('lets the environment option override group names', () => {
    const hosts = byName(read('hosts', INI, 'staging'));
    expect(hosts['web01.example.com']!.environment).toBe('staging');
    expect(hosts['mail.example.com']!.environment).toBe('staging');
  });

  it('reports bad lines with their line and keeps the rest', () => {
    const result = read(
      'inventory.ini',
      `[app]
app1 ansible_port=http
app2 stray-word
app-[5:1]
app3

[app:settings]
x=1

[app:vars]
no equals sign
`,
    );
    expect(result.hosts.map((h) => h.name)).toEqual(['app3']);
    expect(result.problems.map((p) => [p.line, p.severity])).toEqual([
      [3, 'error'],
      [4, 'error'],
      [7, 'error'],
      [11, 'error'],
      [2, 'error'],
    ]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/"stray-word" after host app2 is not key=value/),
      expect.stringMatching(/ends before it starts/),
      expect.stringMatching(/\[app:settings\] is not a section/),
      expect.stringMatching(/is not key=value/),
      expect.stringMatching(/port "http" of host app1/),
    ]);
    expect(result.problems.every((p) => p.file === result.file)).toBe(true);
  });

  it('refuses a host in two environments unless the option decides', () => {
    const text = '[staging]\nshared-box\n[production]\nshared-box\nprod-only\n';
    const result = read('hosts', text);
    expect(result.hosts.map((h) => h.name)).toEqual(['prod-only']);
    expect(result.problems[0]!.message).toMatch(/two environments \(staging, production\)/);
    expect(read('hosts', text, 'lab').hosts.map((h) => h.name)).toEqual(['shared-box', 'prod-only']);
  });

  it('does not run a dynamic inventory script, and says what to do instead', () => {
    const result = read('ec2.py', '#!/usr/bin/env python3\nprint("{}")\n');
    expect(result.hosts).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', line: 1, message: expect.stringMatching(/dynamic inventory script.*ansible-inventory -i ec2\.py --list -y/) })]);
  });

  it('reads a folder of inventories, skipping a script among them with a note', () => {
    const folder = path.join(dir, 'inventory');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, '10-static'), '[web]\nweb1\nweb2 ansible_port=x\n');
    fs.writeFileSync(path.join(folder, '20-cloud.py'), '#!/usr/bin/env python3\n');
    fs.writeFileSync(path.join(folder, '30-more.yml'), 'all:\n  hosts:\n    db1:\n');
    const result = readAnsibleInventory({ file: folder, home: '/home/op' });
    expect(result.hosts.map((h) => [h.name, path.basename(h.source.file), h.source.line])).toEqual([
      ['web1', '10-static', 2],
      ['db1', '30-more.yml', 3],
    ]);
    expect(result.problems.map((p) => [p.severity, path.basename(p.file), p.line])).toEqual([
      ['note', '20-cloud.py', 1],
      ['error', '10-static', 3],
    ]);
    expect(result.files.map((f) => path.basename(f))).toEqual(['inventory', '10-static', '20-cloud.py', '30-more.yml']);
  });

  it('says so when the file is missing', () => {
    const result = readAnsibleInventory({ file: path.join(dir, 'nope.ini'), home: '/home/op' });
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/nope\.ini does not exist/) })]);
  });
});


describe('Ansible YAML inventory', () => {
  it('reads nested groups, vars and ranges', () => {
    const result = read('inventory.yml', NESTED_YAML);
    expect(result.problems).toEqual([]);
    const hosts = byName(result);
    expect(Object.keys(hosts)).toEqual(['mail.example.com', 'stg-app-1', 'stg-app-2', 'lb1.example.com', 'db1.example.com']);
    expect(hosts['mail.example.com']).toMatchObject({ environment: 'ansible', roles: ['hosts'], settings: { user: 'deploy', labels: { owner: 'platform' } } });
    expect(hosts['stg-app-2']).toMatchObject({ environment: 'staging', roles: ['app'], address: '10.1.0.1', source: { line: 12 } });
    expect(hosts['lb1.example.com']).toMatchObject({ environment: 'production', roles: ['lb'], settings: { port: 2222, jump: 'jump.example.com' } });
    expect(hosts['db1.example.com']!.settings.labels).toEqual({ owner: 'dba', backup: '{"daily":true}' });
  });

  it('follows aliases in vars, but does not expand a billion laughs', () => {
    const laughs = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) laughs.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const result = read(
      'aliases.yml',
      `all:\n  vars:\n    ${laughs.join('\n    ')}\n    owner: &owner platform\n  hosts:\n    h1: { team: *owner, sizes: &s [a, b], more: *s }\n`,
    );
    expect(result.hosts[0]!.settings.labels).toMatchObject({ team: 'platform', sizes: '["a","b"]', more: '["a","b"]', owner: 'platform', l0: expect.any(String) });
    expect(result.hosts[0]!.settings.labels!.l8).toBeUndefined();
    expect(result.problems.map((p) => [p.severity, p.line])).toContainEqual(['note', 11]);
  });

  it('does not run an inventory plugin, and says what to do instead', () => {
    const result = read('aws_ec2.yml', '# cloud\nplugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n');
    expect(result.hosts).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', line: 2, message: expect.stringMatching(/inventory plugin amazon\.aws\.aws_ec2.*--list -y/) })]);
  });

  it('points structural mistakes at their line', () => {
    const result = read('bad.yaml', 'all:\n  children:\n    web:\n      hosts:\n        - web1\n    db:\n      host:\n        db1:\n');
    expect(result.hosts).toEqual([]);
    expect(result.problems.map((p) => [p.line, p.severity, p.message])).toEqual([
      [4, 'error', expect.stringMatching(/web\.hosts should be a map/)],
      [7, 'note', expect.stringMatching(/unknown key "host" skipped/)],
    ]);
    expect(read('broken.yml', 'all:\n  hosts: [\n').problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/YAML syntax/) });
  });
});
