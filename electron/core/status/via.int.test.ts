import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, privateNetNames, setPrivateLink, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import { until, untilAsync } from '../../../e2e/until';
import type { HostStatus } from '../../../shared/status/schema';
import { FleetService } from '../inventory/fleetService';
import { HostKeyStore } from '../ssh/hostKeys';
import { NoAnswerError, UnreachableError } from '../ssh/errors';
import { SshPool } from '../ssh/pool';
import { StatusService, type PollReport } from './statusService';
import { tunnelsThrough } from './via';
import { ensurePrivateNet } from '../../../e2e/fleet/privateNet';

// Status requests through SSH channels, against the test fleet's private network (root only:
// network namespaces): priv-1 and priv-2 sit behind bastion-1 on 198.18.0.x, which this process has
// no route to; their Monit and node_exporter are polled through the pooled connection to the
// bastion (`via: auto` = jump). priv-1 also has a health URL on its own 127.0.0.1, reached with
// `via: host`. host-1 (127.0.148.1) is an ordinary loopback host.

const FIRST_INDEX = (148 - 10) * 254;
const OWN_LOOPBACK_PORT = 18080;

describe('status through the bastion', () => {
  let dir: string;
  let fleet: RunningFleet;
  let fleetService: FleetService;
  let pool: SshPool;
  /** A second console's pool, which has no connection to priv-2 when its link goes down. */
  let freshPool: SshPool;
  let status: StatusService;
  let loopbackServer: ChildProcess | null = null;
  /** Channels opened, by destination, and priv-2's answered node_exporter polls. */
  const channelsTo = new Map<string, number>();
  let priv2Scrapes = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-via-'));
    fleet = await fleetUp({ hosts: 1, dir, privateHosts: 2, firstIndex: FIRST_INDEX, haproxy: false, interval: '1s' });
    // A server on priv-1's own loopback (inside the private namespace), which only priv-1 can reach.
    loopbackServer = spawn('ip', ['netns', 'exec', privateNetNames(dir).privateNs, process.execPath, '-e', `require('http').createServer((q, s) => s.end('ok')).listen(${OWN_LOOPBACK_PORT}, '127.0.0.1')`], { stdio: 'ignore' });
    const file = join(dir, 'via-fleet.yaml');
    const text = readFileSync(fleet.fleetFile, 'utf8').replace(
      '{ name: priv-1, address: 198.18.0.1, jump: bastion-1 }',
      `{ name: priv-1, address: 198.18.0.1, jump: bastion-1, status: [ { http: { url: "http://127.0.0.1:${OWN_LOOPBACK_PORT}/", via: host } } ] }`,
    );
    expect(text).toContain('via: host');
    writeFileSync(file, text);
    fleetService = new FleetService(file);
    expect(fleetService.current.problem).toBeNull();
    const lookup = (name: string) => fleetService.current.hosts.find((h) => h.name === name);
    pool = new SshPool({ lookup, hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null });
    freshPool = new SshPool({ lookup, hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store-fresh') }), agent: null });
    const forwardOut = (through: string, address: string, port: number) => {
      channelsTo.set(`${address}:${port}`, (channelsTo.get(`${address}:${port}`) ?? 0) + 1);
      return pool.forwardOut(through, address, port);
    };
    const onPolled = (report: PollReport) => {
      if (report.host === 'priv-2' && report.sources.some((s) => s.kind === 'node_exporter' && s.answered)) priv2Scrapes++;
    };
    status = new StatusService({ fleet: fleetService, flushMs: 100, tunnelFor: tunnelsThrough(forwardOut, lookup), onPolled });
  });

  afterAll(async () => {
    status?.dispose();
    pool?.dispose();
    freshPool?.dispose();
    fleetService?.dispose();
    if (loopbackServer?.pid) process.kill(loopbackServer.pid, 'SIGTERM');
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  const host = (name: string): HostStatus | null => status.host(name);
  const check = (name: string, id: string) => host(name)?.checks.find((c) => c.id === id);

  it('polls the private hosts through the bastion: Monit and node_exporter are OK', async () => {
    const priv2 = await until('priv-2 OK through bastion-1', () => {
      const h = host('priv-2');
      return h && h.state === 'OK' && h.latest['cpu_pct'] !== undefined && h;
    });
    expect(priv2.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['monit:endpoint', 'node_exporter:scrape']));
    expect(check('priv-2', 'monit:endpoint')?.state).toBe('OK');
    expect(host('bastion-1')?.state ?? 'none').not.toBe('CRITICAL');
  });

  it("keeps node_exporter's connection alive on one channel, and opens one per poll for Monit, which closes it", async () => {
    const before = priv2Scrapes;
    await until('three more node_exporter polls of priv-2', () => priv2Scrapes >= before + 3);
    expect(channelsTo.get('198.18.0.2:9100')).toBe(1);
    expect(channelsTo.get('198.18.0.2:2812')).toBeGreaterThanOrEqual(3);
  });

  it('cannot reach a private host directly from here', async () => {
    for (const port of [2222, 2812, 9100]) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const socket = net.connect({ host: '198.18.0.2', port });
        socket.setTimeout(5000, () => (socket.destroy(), resolve(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }))));
        socket.once('connect', () => (socket.destroy(), resolve(null)));
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e));
      });
      expect(error?.code).toMatch(/EHOSTUNREACH|ENETUNREACH/);
    }
  });

  it("reaches a host's own 127.0.0.1 with via: host, which is nothing from here", async () => {
    const health = await until('priv-1 health OK via its own loopback', () => {
      const c = check('priv-1', 'http:health');
      return c && c.state === 'OK' && c;
    });
    expect(health.state).toBe('OK');
    const here = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: OWN_LOOPBACK_PORT });
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(here).toBe('ECONNREFUSED');
  });

  it('reports a channel the bastion could not open as CRITICAL, naming the bastion, and recovers', async () => {
    await stopDaemon(dir, 'priv-2', 'monit');
    const refused = await until('priv-2 Monit CRITICAL', () => {
      const c = check('priv-2', 'monit:endpoint');
      return c && c.state === 'CRITICAL' && c;
    });
    expect(refused.reason).toBe('priv-2: bastion-1 (its jump host) could not reach 198.18.0.2:2812: connection refused');
    // The other sources of the same host, through the same connection, go on.
    expect(check('priv-2', 'node_exporter:scrape')?.state).toBe('OK');
    await fleetUp({ hosts: 1, dir, privateHosts: 2, firstIndex: FIRST_INDEX, haproxy: false, interval: '1s' });
    await until('priv-2 Monit OK again', () => check('priv-2', 'monit:endpoint')?.state === 'OK', 60_000);
  });

  it("turns a private host CRITICAL naming the bastion when its link goes down, and recovers when it is back", async () => {
    await until('priv-2 OK', () => host('priv-2')?.state === 'OK');
    // A connection of its own to priv-2, up before the link goes down and not yet given up on.
    expect((await pool.exec('priv-2', 'true')).code).toBe(0);
    setPrivateLink(dir, 'private', false);
    try {
      // The channel for a command on it is never answered: the command's timeout still holds.
      const stalled = await pool.exec('priv-2', 'true', { timeoutMs: 2000 }).catch((e: unknown) => e);
      expect(stalled).toBeInstanceOf(NoAnswerError);
      expect((stalled as Error).message).toMatch(/^priv-2 \(198\.18\.0\.2:2222, through bastion-1\) did not answer within 2 s, so the command never started/);
      const down = await until('priv-2 CRITICAL', () => {
        const c = check('priv-2', 'node_exporter:scrape');
        return c && c.state === 'CRITICAL' && c;
      });
      expect(down.reason).toMatch(/198\.18\.0\.2:9100 through bastion-1 \(its jump host\)/);
      expect(host('host-1')?.state).toBe('OK');
      // A command (a terminal, a deploy step) on a new connection: the host is unreachable through the bastion.
      const error = await freshPool.exec('priv-2', 'true').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toBe('Cannot reach priv-2 (198.18.0.2:2222) through bastion-1: bastion-1 could not connect to it (no route to host).');
    } finally {
      setPrivateLink(dir, 'private', true);
    }
    await until('priv-2 OK again after the link is back', () => host('priv-2')?.state === 'OK', 90_000);
    await untilAsync('a command on priv-2 again', () => freshPool.exec('priv-2', 'true').then((r) => r.code === 0, () => false), 60_000);
  }, 150_000);

  it("turns the hosts behind the bastion CRITICAL naming it when the bastion's link goes down, and recovers", async () => {
    await until('priv-1 and priv-2 OK', () => host('priv-1')?.state === 'OK' && host('priv-2')?.state === 'OK', 60_000);
    setPrivateLink(dir, 'bastion', false);
    try {
      const down = await until('priv-2 Monit CRITICAL', () => {
        const c = check('priv-2', 'monit:endpoint');
        return c && c.state === 'CRITICAL' && c;
      });
      expect(down.reason).toMatch(/through bastion-1 \(its jump host\)|cannot reach bastion-1/);
      // Every private host, and every check of it, says the bastion is the way that failed, once
      // the connections that ran through it have given up (priv-1's own, for its via: host check,
      // after its keepalives: up to a minute).
      const behind = await until('every check of priv-1 and priv-2 failing, naming bastion-1', () => {
        const all = ['priv-1', 'priv-2'].map((name) => host(name));
        const named = all.every((h) => h && h.state === 'CRITICAL' && /bastion-1/.test(h.summary) && h.checks.every((c) => c.state !== 'OK' && /bastion-1/.test(c.reason)));
        return named && all;
      }, 120_000);
      for (const h of behind) expect(h!.checks.length).toBeGreaterThan(0);
      expect(host('host-1')?.state).toBe('OK');
    } finally {
      setPrivateLink(dir, 'bastion', true);
    }
    // Up to a minute: the bastion's connection was retried with backoff all the while it was cut.
    await until('priv-1 and priv-2 OK again after the link is back', () => host('priv-1')?.state === 'OK' && host('priv-2')?.state === 'OK', 150_000);
  }, 300_000);

  it('fleet down leaves no namespace, link, route or process', async () => {
    const names = privateNetNames(dir);
    await fleetDown(dir);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(names.id);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.toContain(names.consoleLink);
    expect(execFileSync('ip', ['route', 'show', 'type', 'unreachable'], { encoding: 'utf8' })).not.toContain('198.18.0.0/15');
    const ours = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(dir) || line.includes(`listen(${OWN_LOOPBACK_PORT}`));
    expect(ours).toEqual([]);
    loopbackServer = null;
  });

  it("cleans a crashed run's namespaces, link and processes at the next fleet down, with no state to go by", async () => {
    const names = await ensurePrivateNet(dir, 1);
    const stray = spawn('ip', ['netns', 'exec', names.privateNs, 'sleep', '600'], { stdio: 'ignore' });
    await until('the stray process inside the namespace', () => execFileSync('ip', ['netns', 'pids', names.privateNs], { encoding: 'utf8' }).includes(String(stray.pid)));
    await fleetDown(dir);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(names.id);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.toContain(names.consoleLink);
    expect(execFileSync('ip', ['route', 'show', 'type', 'unreachable'], { encoding: 'utf8' })).not.toContain('198.18.0.0/15');
    await until('the stray process gone', () => stray.exitCode !== null || stray.signalCode !== null);
  });
});
