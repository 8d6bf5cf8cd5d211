import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, freezeDaemon, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import { hostPaths } from '../../../e2e/fleet/layout';
import type { Host } from '../../../shared/fleet/model';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { AuthError, ConnectionClosedError, HostKeyChangedError, HostKeyUnknownError, JumpHostError, UnreachableError } from './errors';
import { HostKeyStore } from './hostKeys';
import { SshPool, type Ask, type PoolQuestion } from './pool';

// The pool against the test fleet's real OpenSSH sshd (127.0.70.x).

describe('SshPool', () => {
  let dir: string;
  let fleet: RunningFleet;
  let hosts: Map<string, Host>;
  const pools: SshPool[] = [];

  const pool = (change: (h: Host) => Host = (h) => h, ask?: Ask, store = join(dir, `store-${pools.length}`)): SshPool => {
    const p = new SshPool({
      lookup: (n) => (hosts.get(n) ? change({ ...hosts.get(n)! }) : undefined),
      hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: store }),
      ask,
      agent: null,
      idleMs: 500,
    });
    pools.push(p);
    return p;
  };
  const collect = async (p: SshPool, host: string, command: string) => {
    let out = '';
    const result = await p.exec(host, command, { onStdout: (c) => (out += c.toString()) });
    return { ...result, out };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-ssh-'));
    fleet = await fleetUp({ hosts: 3, dir, nodeExporter: false, firstIndex: 15240, haproxy: false });
    hosts = fleetHosts(fleet.fleetFile);
  });
  afterAll(async () => {
    for (const p of pools) p.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a command on the host's own sshd and gives its exit code", async () => {
    const p = pool();
    expect(await collect(p, 'host-2', 'echo $FLEETDECK_HOST; exit 3')).toEqual({ code: 3, signal: null, out: 'host-2\n' });
  });

  it('shares one connection among many commands at once', async () => {
    const p = pool();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => collect(p, 'host-1', `echo ${i}`)));
    expect(results.map((r) => r.out)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
    expect(p.openHosts).toEqual(['host-1']);
  });

  it('gives an unknown key by the fingerprint ssh-keygen shows, and remembers it once accepted', async () => {
    const expected = execFileSync('ssh-keygen', ['-lf', hostPaths(dir, 'host-3').hostKeyPub], { encoding: 'utf8' }).split(' ')[1];
    const refused = pool((h) => ({ ...h, knownHosts: null }));
    const error = await refused.exec('host-3', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyUnknownError);
    expect((error as HostKeyUnknownError).fingerprint).toBe(expected);
    expect((error as Error).message).toContain(expected);

    const questions: PoolQuestion[] = [];
    const store = join(dir, 'accepting-store');
    const accepting = pool((h) => ({ ...h, knownHosts: null }), async (q) => (questions.push(q), { value: 'accept' }), store);
    expect((await collect(accepting, 'host-3', 'echo ok')).out).toBe('ok\n');
    expect(questions).toMatchObject([{ kind: 'host-key', host: 'host-3', fingerprint: expected }]);
    expect(readFileSync(store, 'utf8')).toContain('[127.0.70.3]:2222 ssh-ed25519');
  });

  it('refuses a changed key with a warning', async () => {
    const wrong = join(dir, 'wrong_known_hosts');
    // host-1's key listed for host-2's address: to the client, host-2's key changed.
    const key = readFileSync(hostPaths(dir, 'host-1').hostKeyPub, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(wrong, `[127.0.70.2]:2222 ${key}\n`);
    const p = pool((h) => ({ ...h, knownHosts: wrong }));
    const error = await p.exec('host-2', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyChangedError);
    expect((error as Error).message).toMatch(/has CHANGED.*refuses to connect/);
  });

  it('says a host is unreachable when its sshd is down, and retries later', async () => {
    await stopDaemon(dir, 'host-3', 'sshd');
    try {
      const p = pool();
      const error = await p.exec('host-3', 'true').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toMatch(/connection refused/);
      expect((error as UnreachableError).retryAt).toBeGreaterThan(Date.now() - 1000);
    } finally {
      await fleetUp({ hosts: 3, dir, nodeExporter: false, firstIndex: 15240, haproxy: false });
    }
  });

  it('fails a command whose host stops answering, saying why, once its keepalives go unanswered', async () => {
    // Keepalives every 300 ms instead of 15 s: three go unanswered in about a second.
    const p = new SshPool({ lookup: (n) => hosts.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store-frozen') }), agent: null, idleMs: 500, keepaliveMs: 300 });
    pools.push(p);
    const running = p.exec('host-2', 'echo started; sleep 30', { onStdout: () => freezeDaemon(dir, 'host-2', 'sshd', true) });
    try {
      const error = await running.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message).toMatch(/host-2 stopped answering \(3 keepalives over 1 s went unanswered/);
    } finally {
      freezeDaemon(dir, 'host-2', 'sshd', false);
    }
    expect((await collect(p, 'host-2', 'echo back')).out).toBe('back\n');
  });

  it('fails a refused login once and does not retry until something changes', async () => {
    const stranger = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const p = pool((h) => ({ ...h, identity: stranger }));
    const first = await p.exec('host-1', 'true').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(AuthError);
    expect((first as Error).message).toMatch(/Could not log in .* as .*will not retry/);
    const second = await p.exec('host-1', 'true').catch((e: unknown) => e);
    expect(second).toBe(first);
  });

  it('connects through a jump host', async () => {
    const p = pool((h) => (h.name === 'host-3' ? { ...h, jump: `${h.user}@127.0.70.1:2222` } : h));
    expect((await collect(p, 'host-3', 'echo $FLEETDECK_HOST')).out).toBe('host-3\n');
  });

  it('names the hop that failed', async () => {
    const p = pool((h) => ({ ...h, jump: `${h.user}@127.0.70.250:2222` }));
    const error = await p.exec('host-2', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JumpHostError);
    expect((error as Error).message).toMatch(/through jump host 127\.0\.70\.250 .*hop 1 of 1.*refused/);
  });

  it('opens a shell on a PTY', async () => {
    const p = pool();
    const channel = await p.shell('host-2', { cols: 80, rows: 24 });
    let out = '';
    channel.on('data', (c: Buffer) => (out += c.toString()));
    channel.write('echo "pty:$FLEETDECK_HOST:$(tput cols)"; exit\n');
    await new Promise((resolve) => channel.on('close', resolve));
    expect(out).toContain('pty:host-2:80');
  });
});
