import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, type RunningFleet } from '../../../e2e/fleet/fleet';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { hostPaths } from '../../../e2e/fleet/layout';
import type { Host } from '../../../shared/fleet/model';
import { parseFleetFile } from '../inventory/parseFleetFile';
import { AuthError, JumpHostError } from './errors';
import { HostKeyStore } from './hostKeys';
import { SshPool, type Ask, type PoolQuestion } from './pool';

// Each hop logs in as itself, against the test fleet's real sshd (127.0.146.x): host-1, the
// bastion, takes only a key of its own (fleetUp's ownKey), which the fleet's other hosts do not
// take; host-3 is reached through it. The bastion's entry (in the fleet file, or its Host block in
// an imported ~/.ssh/config) gives the hop its address, port and key, as ssh(1) does.

const FIRST_INDEX = (146 - 10) * 254;

describe('jump hosts log in as themselves', () => {
  let dir: string;
  let fleet: RunningFleet;
  let hosts: Map<string, Host>;
  const pools: SshPool[] = [];

  const pool = (all: Map<string, Host>, ask?: Ask): SshPool => {
    const p = new SshPool({ lookup: (n) => all.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, `store-${pools.length}`) }), ask, agent: null, idleMs: 500 });
    pools.push(p);
    return p;
  };
  const run = async (p: SshPool, host: string) => {
    let out = '';
    await p.exec(host, 'echo $FLEETDECK_HOST', { onStdout: (c) => (out += c.toString()) });
    return out.trim();
  };
  /** The fleet's hosts, with host-3 (and any others named) changed. */
  const changed = (changes: Record<string, Partial<Host>>): Map<string, Host> =>
    new Map([...hosts].map(([name, h]) => [name, { ...h, ...changes[name] }]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-jump-'));
    fleet = await fleetUp({ hosts: 3, dir, nodeExporter: false, haproxy: false, firstIndex: FIRST_INDEX, ownKey: ['host-1'] });
    hosts = fleetHosts(fleet.fleetFile);
  });
  afterAll(async () => {
    for (const p of pools) p.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("has a bastion that refuses the fleet's key and takes its own", async () => {
    expect(hosts.get('host-1')!.identity).toBe(hostPaths(dir, 'host-1').ownKey);
    expect(await run(pool(hosts), 'host-1')).toBe('host-1');
    const error = await pool(changed({ 'host-1': { identity: fleet.identity } })).exec('host-1', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
  });

  it("reaches a host through a hop named by its fleet file entry, with the hop's own address, port and key", async () => {
    expect(await run(pool(changed({ 'host-3': { jump: 'host-1' } })), 'host-3')).toBe('host-3');
  });

  it("keeps a hop written as user@address:port with no entry on the target's key (which this bastion refuses)", async () => {
    const bastion = hosts.get('host-1')!;
    const error = await pool(changed({ 'host-3': { jump: `${fleet.user}@${bastion.address}:${bastion.port}` } })).exec('host-3', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JumpHostError);
    expect((error as JumpHostError).hopError).toBeInstanceOf(AuthError);
  });

  it("asks for the hop's passphrase naming the hop and the host it leads to", async () => {
    const encrypted = join(dir, 'bastion-key-encrypted');
    copyFileSync(hostPaths(dir, 'host-1').ownKey, encrypted);
    execFileSync('ssh-keygen', ['-q', '-p', '-f', encrypted, '-N', 'open sesame']);
    const questions: PoolQuestion[] = [];
    const ask: Ask = async (q) => (questions.push(q), { value: 'open sesame' });
    const p = pool(changed({ 'host-1': { identity: encrypted }, 'host-3': { jump: 'host-1' } }), ask);
    expect(await run(p, 'host-3')).toBe('host-3');
    expect(questions).toEqual([{ kind: 'passphrase', host: 'host-1', file: encrypted, remember: null, hopTo: 'host-3' }]);
  });

  it('reaches a host through a hop whose Host block in an imported ~/.ssh/config has its own key, as ssh does', async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const [bastion, , target] = fleet.hosts;
    const config = join(home, '.ssh', 'config');
    writeFileSync(
      config,
      `Host target
  HostName ${target!.address}
  ProxyJump bastion

Host bastion
  HostName ${bastion!.address}
  IdentityFile ${hostPaths(dir, 'host-1').ownKey}

Host *
  Port ${target!.sshPort}
  User ${fleet.user}
  IdentityFile ${fleet.identity}
  UserKnownHostsFile ${fleet.knownHosts}
  StrictHostKeyChecking yes
  BatchMode yes
`,
    );
    const parsed = parseFleetFile(`imports:\n  - ssh_config: ${config}\n`, join(home, 'fleet.yaml'), { home });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const imported = new Map(parsed.fleet.hosts.map((h) => [h.name, h]));
    expect(await run(pool(imported), 'target')).toBe('host-3');
    // OpenSSH's own client gets in the same way.
    const out = execFileSync('ssh', ['-F', config, 'target', 'echo $FLEETDECK_HOST'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.trim()).toBe('host-3');
  });
});
