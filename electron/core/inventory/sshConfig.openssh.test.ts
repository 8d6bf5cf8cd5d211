import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSshConfig } from './sshConfig';

// OpenSSH itself is the reference: `ssh -G host` prints the settings ssh would use (it resolves
// the config without connecting). For each concrete host of a config that uses the tricky parts
// (first value wins, negation, several names per Host, Include in and out of a Host block, `=`,
// odd letter case, quotes), Fleetdeck's reading must agree with ssh's. Paths are absolute because
// ssh expands `~` from the password database, not from $HOME.

let dir: string;
let config: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-openssh-'));
  fs.mkdirSync(path.join(dir, 'conf.d'));
  fs.writeFileSync(path.join(dir, 'conf.d', '10-lab.conf'), `Host lab-1 lab-2\n  HostName %h.lab.example.com\nHost lab-2\n  Port 2202\n  User labuser\n`);
  fs.writeFileSync(path.join(dir, 'conf.d', '20-more.conf'), `Host lab-3\n  HostName lab3.internal\n`);
  fs.writeFileSync(path.join(dir, 'jump.inc'), `ProxyJump gw1.example.com,ops@gw2.example.com:2222\nUser via-include\n`);
  config = path.join(dir, 'config');
  fs.writeFileSync(
    config,
    `# A config in the shapes people write
Include ${dir}/conf.d/*.conf

Host web-1 web-2 web-3
    hostname %h.shop.example.com
    USER deploy

Host web-2
    Port 2222
    User ignored-because-deploy-came-first

Host db-primary
  HostName=10.20.0.5
  Port = 5022
  IdentityFile "${dir}/keys/db key"

Host behind-gw
  HostName 10.30.0.9
  Include ${dir}/jump.inc
  User ignored

Host *.shop.example.com !web-3
  Port 2000

Host * !db-primary
  User fallback
  IdentityFile ${dir}/keys/id_ed25519
  ProxyJump none
`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sshG(host: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', config, host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const values: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    if (space > 0 && !(key in values)) values[key] = line.slice(space + 1);
  }
  return values;
}

function hopAsSshSeesIt(hop: string): string {
  const [, user, host = '', port] = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(hop) ?? [];
  const seen = sshG(host);
  const p = port ?? seen.port;
  return `${user ?? seen.user}@${seen.hostname}${p === '22' ? '' : `:${p}`}`;
}

describe('readSshConfig agrees with ssh -G', () => {
  it('on every concrete host', () => {
    const result = readSshConfig({ home: dir, file: config });
    expect(result.problems).toEqual([]);
    expect(result.hosts.map((h) => h.name)).toEqual(['lab-1', 'lab-2', 'lab-3', 'web-1', 'web-2', 'web-3', 'db-primary', 'behind-gw']);
    const localUser = os.userInfo().username;
    for (const host of result.hosts) {
      const ssh = sshG(host.name);
      const ours = {
        hostname: host.address ?? host.name,
        user: host.settings.user ?? localUser,
        port: String(host.settings.port ?? 22),
        proxyjump: host.settings.jump ?? null,
        identityfile: host.settings.identity ?? null,
      };
      const theirs = {
        hostname: ssh.hostname,
        user: ssh.user,
        port: ssh.port,
        // ssh connects to each hop as to any host: its own config applies, but for what the hop names.
        proxyjump: ssh.proxyjump ? ssh.proxyjump.split(',').map(hopAsSshSeesIt).join(',') : null,
        // ssh lists its default keys when the config names none.
        identityfile: ssh.identityfile?.startsWith(dir) ? ssh.identityfile : null,
      };
      expect({ host: host.name, ...ours }).toEqual({ host: host.name, ...theirs });
    }
  });
});
