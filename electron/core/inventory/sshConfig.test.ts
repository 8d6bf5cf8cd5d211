import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSshConfig } from './sshConfig';

// Real-shaped ssh configs written to a temporary home.

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-sshconfig-'));
  fs.mkdirSync(path.join(home, '.ssh'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(home, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}
const byName = (result: ReturnType<typeof readSshConfig>) => Object.fromEntries(result.hosts.map((h) => [h.name, h]));

describe('readSshConfig', () => {
  it('lists concrete hosts and applies patterns, the first value winning', () => {
    const config = write(
      '.ssh/config',
      `# personal machines
Host web1 web2
    HostName %h.example.com
    User deploy

Host db1
  HostName 10.0.0.5
  Port 2222
  IdentityFile ~/.ssh/db_ed25519
  ProxyJump bastion.example.com

Host *.internal gateway-?
  User ops

Host bastion
  HostName bastion.example.com
  ProxyJump none

Host !db1 *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_ed25519
  UserKnownHostsFile ~/.ssh/known_hosts.fleet
`,
    );
    const result = readSshConfig({ home });
    expect(result.problems).toEqual([]);
    expect(result.files).toEqual([config]);
    expect(result.hosts.map((h) => h.name)).toEqual(['web1', 'web2', 'db1', 'bastion']);
    const hosts = byName(result);
    expect(hosts.web1).toMatchObject({
      address: 'web1.example.com',
      environment: 'ssh-config',
      roles: ['hosts'],
      settings: { user: 'deploy', port: 22, identity: path.join(home, '.ssh/id_ed25519'), known_hosts: path.join(home, '.ssh/known_hosts.fleet') },
      source: { file: config, line: 2 },
    });
    expect(hosts.web2!.address).toBe('web2.example.com');
    // db1 is excluded from `Host !db1 *`: nothing of it applies.
    // The jump host is written out as ssh would reach it: `Host !db1 *` applies to it.
    expect(hosts.db1).toMatchObject({ address: '10.0.0.5', settings: { port: 2222, identity: path.join(home, '.ssh/db_ed25519'), jump: 'fallback@bastion.example.com' }, source: { line: 6 } });
    expect(hosts.db1!.settings.user).toBeUndefined();
    expect(hosts.bastion!.settings).toMatchObject({ user: 'fallback' });
    expect(hosts.bastion!.settings.jump).toBeUndefined();
  });

  it('keeps a hop that has a Host block of its own by name (it logs in as that host), and writes out one that only patterns match', () => {
    write(
      '.ssh/config',
      `Host app
  HostName 10.1.0.7
  ProxyJump edge,root@inner:2201,ssh://plain.example.com

Host edge
  HostName edge.example.com
  User ops
  Port 2200

Host inner
  HostName 10.1.0.1
  User nobody
`,
    );
    const hosts = byName(readSshConfig({ home }));
    expect(hosts.app!.settings.jump).toBe('edge,root@inner:2201,plain.example.com');
    expect(hosts.edge).toMatchObject({ address: 'edge.example.com', settings: { user: 'ops', port: 2200 } });
  });

  it('follows Include with globs relative to ~/.ssh, in place', () => {
    write(
      '.ssh/config',
      `Include config.d/*.conf
Host *
  User everyone
`,
    );
    write('.ssh/config.d/10-work.conf', 'Host work-a\n  HostName 192.0.2.10\n  User alice\n');
    write('.ssh/config.d/20-lab.conf', 'Host lab-[0]\n\nHost lab-1\n  Port 2200\n');
    write('.ssh/config.d/ignored.txt', 'Host not-included\n');
    const result = readSshConfig({ home });
    expect(result.problems).toEqual([]);
    // The folder is there to be watched: a file added to it is a change too.
    expect(result.files.map((f) => path.relative(home, f))).toEqual(['.ssh/config', '.ssh/config.d/10-work.conf', '.ssh/config.d/20-lab.conf', '.ssh/config.d']);
    const hosts = byName(result);
    expect(Object.keys(hosts)).toEqual(['work-a', 'lab-[0]', 'lab-1']);
    expect(hosts['work-a']).toMatchObject({ address: '192.0.2.10', settings: { user: 'alice' }, source: { line: 1 } });
    expect(hosts['lab-1']).toMatchObject({ settings: { port: 2200, user: 'everyone' }, source: { line: 3 } });
  });

  it('gives an included file’s top-level settings only to the Host block that included it', () => {
    write('.ssh/config', 'Host jumpy\n  Include jump.conf\n  User j\nHost plain\n');
    write('.ssh/jump.conf', 'ProxyJump gw.example.com\nUser from-include\n');
    const hosts = byName(readSshConfig({ home }));
    expect(hosts.jumpy!.settings).toMatchObject({ jump: 'gw.example.com', user: 'from-include' });
    expect(hosts.plain!.settings).toEqual({});
  });

  it('skips Match blocks with a note', () => {
    write('.ssh/config', 'Host a\n  HostName a.example.com\n\nMatch host *.example.com exec "true"\n  User matched\n  Port 9\n\nHost b\n');
    const result = readSshConfig({ home });
    expect(result.hosts.map((h) => h.name)).toEqual(['a', 'b']);
    expect(result.hosts[0]!.settings.user).toBeUndefined();
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'note', line: 4, message: expect.stringMatching(/Match blocks are skipped/) })]);
  });

  it('reports a bad port at its line and skips only the hosts it applies to', () => {
    const config = write('.ssh/config', 'Host good\n  Port 2201\n\nHost bad\n  HostName bad.example.com\n  Port twenty\n');
    const result = readSshConfig({ home });
    expect(result.hosts.map((h) => h.name)).toEqual(['good']);
    expect(result.problems).toEqual([{ severity: 'error', file: config, line: 6, column: 0, message: expect.stringMatching(/Port twenty is not a port number.*bad is skipped/) }]);
  });

  it('reports an unreadable include at the Include line, and a missing one as a note', () => {
    if (process.getuid?.() === 0) {
      // root reads every file: make the include a folder instead, which cannot be read either.
      fs.mkdirSync(path.join(home, '.ssh/secret.conf'));
    } else {
      write('.ssh/secret.conf', 'Host hidden\n');
      fs.chmodSync(path.join(home, '.ssh/secret.conf'), 0o000);
    }
    const config = write('.ssh/config', 'Host visible\n\nInclude secret.conf\nInclude ~/.ssh/nothing-here\n');
    const result = readSshConfig({ home });
    expect(result.hosts.map((h) => h.name)).toEqual(['visible']);
    expect(result.problems).toEqual([
      expect.objectContaining({ severity: 'error', file: config, line: 3, message: expect.stringMatching(/secret\.conf (is a folder|cannot be read)/) }),
      expect.objectContaining({ severity: 'note', file: config, line: 4, message: expect.stringMatching(/matches no file/) }),
    ]);
  });

  it('does not read a pipe (which would block the core)', () => {
    execFileSync('mkfifo', [path.join(home, '.ssh', 'pipe')]);
    const config = write('.ssh/config', 'Include pipe\nHost after\n');
    const result = readSshConfig({ home });
    expect(result.hosts.map((h) => h.name)).toEqual(['after']);
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', file: config, line: 1, message: expect.stringMatching(/not a regular file/) })]);
  });

  it('refuses an Include loop instead of recursing forever', () => {
    const config = write('.ssh/config', 'Include config\nHost once\n');
    const result = readSshConfig({ home });
    expect(result.hosts.map((h) => h.name)).toEqual(['once']);
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', file: config, line: 1, message: expect.stringMatching(/loop/) })]);
  });

  it('takes a missing ~/.ssh/config as no hosts, not an error; says so when a file cannot be parsed', () => {
    expect(readSshConfig({ home })).toMatchObject({ hosts: [], problems: [] });
    const config = write('.ssh/config', 'Host a\n  HostName a\n  ProxyCommand ssh -W "%h:%p\n');
    const result = readSshConfig({ home });
    expect(result.hosts).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', file: config, line: 3, message: expect.stringMatching(/cannot parse/) })]);
  });

  it('takes the environment and role the user picks', () => {
    write('.ssh/config', 'Host a\n');
    expect(readSshConfig({ home, environment: 'lab', role: 'boxes' }).hosts[0]).toMatchObject({ environment: 'lab', roles: ['boxes'] });
  });
});
