import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, type RunningFleet } from '../../../e2e/fleet/fleet';
import type { Host } from '../../../shared/fleet/model';
import { HostKeyStore } from '../ssh/hostKeys';
import { lookup, parseKnownHosts } from '../ssh/knownHosts';
import { SshPool } from '../ssh/pool';
import { parseFleetFile } from './parseFleetFile';

// The imports end to end against real hosts: a ~/.ssh/config and an Ansible inventory that name
// the test fleet's sshds, imported by a fleet file; every imported host's address, port, user,
// key and known_hosts must get an SSH session on the right host (each sshd tells its sessions its
// host's name), and OpenSSH's own client must reach the same host from the same ssh config.

const FIRST_INDEX = (153 - 10) * 254; // 127.0.153.x: clear of the other tests' ranges

let dir: string;
let fleet: RunningFleet;
let home: string;
let sshConfig: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inventory-int-'));
  fleet = await fleetUp({ hosts: 2, dir, nodeExporter: false, haproxy: false, firstIndex: FIRST_INDEX });
  home = join(dir, 'home');
  mkdirSync(join(home, '.ssh', 'config.d'), { recursive: true });
  const [a, b] = fleet.hosts as [RunningFleet['hosts'][number], RunningFleet['hosts'][number]];
  sshConfig = join(home, '.ssh', 'config');
  writeFileSync(
    sshConfig,
    // Absolute, because OpenSSH finds a relative Include in the ~/.ssh of the password database's
    // home, not of $HOME.
    `Include ${home}/.ssh/config.d/*.conf

Host alpha
  HostName ${a.address}

# b again, reached through alpha
Host gamma
  HostName ${b.address}
  ProxyJump alpha

Host *
  Port ${a.sshPort}
  User ${fleet.user}
  IdentityFile ${fleet.identity}
  UserKnownHostsFile ${fleet.knownHosts}
  StrictHostKeyChecking yes
  BatchMode yes
`,
  );
  writeFileSync(join(home, '.ssh', 'config.d', 'beta.conf'), `Host beta\n  HostName ${b.address}\n`);
  mkdirSync(join(home, 'ops', 'group_vars'), { recursive: true });
  writeFileSync(join(home, 'ops', 'hosts'), `[app]\nweb-a ansible_host=${a.address}\nweb-b ansible_host=${b.address}\n[production:children]\napp\n`);
  writeFileSync(join(home, 'ops', 'group_vars', 'all.yml'), `ansible_port: ${a.sshPort}\nansible_user: ${fleet.user}\nansible_ssh_private_key_file: ${fleet.identity}\n`);
  writeFileSync(join(home, 'ops', 'fleet.yaml'), `defaults: { known_hosts: ${fleet.knownHosts} }\nimports:\n  - ssh_config: ~/.ssh/config\n  - ansible: ./hosts\n`);
}, 120_000);

afterAll(async () => {
  if (dir) {
    await fleetDown(dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

/** Opens an SSH session the way the console will, from a fleet host's settings alone, checking the
 * host key against the host's known_hosts file; gives what `echo $FLEETDECK_HOST` printed. */
function whoAnswers(host: Host): Promise<{ name: string; hostKey: string }> {
  const entries = parseKnownHosts(readFileSync(host.knownHosts!, 'utf8'), host.knownHosts!);
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let hostKey = 'not checked';
    let out = '';
    conn
      .on('ready', () => {
        conn.exec('echo $FLEETDECK_HOST', (err, stream) => {
          if (err) return reject(err);
          stream.on('data', (d: Buffer) => (out += d.toString()));
          stream.stderr.on('data', () => undefined);
          stream.on('close', () => {
            conn.end();
            resolve({ name: out.trim(), hostKey });
          });
        });
      })
      .on('error', reject)
      .connect({
        host: host.address,
        port: host.port,
        username: host.user,
        privateKey: readFileSync(host.identity!),
        readyTimeout: 10_000,
        hostVerifier: (key: Buffer) => {
          hostKey = lookup(entries, host.address, host.port, 'ssh-ed25519', key.toString('base64')).verdict;
          return hostKey === 'known';
        },
      });
  });
}

describe('imported hosts reach the real hosts', () => {
  it('over SSH with what ~/.ssh/config and the Ansible inventory say', async () => {
    const result = parseFleetFile(readFileSync(join(home, 'ops', 'fleet.yaml'), 'utf8'), join(home, 'ops', 'fleet.yaml'), { home });
    if (!result.ok) throw new Error(JSON.stringify(result.problem));
    const byName = new Map(result.fleet.hosts.map((h) => [h.name, h]));
    expect([...byName.keys()]).toEqual(['beta', 'alpha', 'gamma', 'web-a', 'web-b']);
    expect(byName.get('web-a')).toMatchObject({ environment: 'production', roles: ['app'] });
    const [a, b] = fleet.hosts;
    const expected: Record<string, string> = { alpha: a!.name, beta: b!.name, 'web-a': a!.name, 'web-b': b!.name };
    // The hop keeps its name: it is imported as a host too, and logs in as that host.
    expect(byName.get('gamma')!.jump).toBe('alpha');
    for (const [name, fleetHost] of Object.entries(expected)) {
      const answer = await whoAnswers(byName.get(name)!);
      expect({ imported: name, ...answer }).toEqual({ imported: name, name: fleetHost, hostKey: 'known' });
    }
  });

  it('through the jump host ~/.ssh/config names, with the console’s SSH pool', async () => {
    const result = parseFleetFile(readFileSync(join(home, 'ops', 'fleet.yaml'), 'utf8'), join(home, 'ops', 'fleet.yaml'), { home });
    if (!result.ok) throw new Error(JSON.stringify(result.problem));
    const hosts = new Map(result.fleet.hosts.map((h) => [h.name, h]));
    const pool = new SshPool({ lookup: (n) => hosts.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null, idleMs: 500 });
    try {
      let out = '';
      // What this checks is where the session lands; the exit code is the pool's business (through a
      // jump it is sometimes null, about one run in four here: reported to the pool's owner).
      await pool.exec('gamma', 'echo $FLEETDECK_HOST', { onStdout: (c) => (out += c.toString()) });
      expect(out).toBe(`${fleet.hosts[1]!.name}\n`);
    } finally {
      pool.dispose();
    }
  });

  it('where OpenSSH’s own client goes with the same ssh config', () => {
    for (const [alias, index] of [['alpha', 0], ['beta', 1], ['gamma', 1]] as const) {
      const out = execFileSync('ssh', ['-F', sshConfig, alias, 'echo $FLEETDECK_HOST'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out.trim()).toBe(fleet.hosts[index]!.name);
    }
  });
});
