import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonitCheck, fleetDown, fleetUp, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import { until } from '../../../e2e/until';
import type { HostStatus, StatusEvent } from '../../../shared/status/schema';
import { HistoryStore } from '../history/historyStore';
import { FleetService } from '../inventory/fleetService';
import { StatusService } from './statusService';

// The status service against real daemons: the test fleet's Monit and node_exporter, and a
// misbehaving server on a socket of its own for every way an endpoint can go wrong. Addresses
// 127.0.40.x (clear of the other tests' fleets).

const FAULT_ADDRESS = '127.0.40.200';
const XML_BOMB = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><monit>&lol2;</monit>`;

type Behaviour = (socket: net.Socket) => void;

function answer(status: string, headers: Record<string, string | number>, body: string | Buffer): Buffer {
  const head = [`HTTP/1.1 ${status}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head), Buffer.from(body)]);
}

const behaviours: Record<string, Behaviour> = {
  html: (s) => s.end(answer('200 OK', { 'content-type': 'text/html', 'content-length': 38, connection: 'close' }, '<!DOCTYPE html><html>Welcome!</html>\r\n')),
  garbage: (s) => s.end(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x2e, 0x7f, 0x00, 0x13, 0x37, 0x0a])),
  bomb: (s) => s.end(answer('200 OK', { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(XML_BOMB), connection: 'close' }, XML_BOMB)),
  declared50mb: (s) => s.end(answer('200 OK', { 'content-type': 'text/xml', 'content-length': 50 << 20, connection: 'close' }, '<monit>')),
  streamed50mb: (s) => {
    s.write(answer('200 OK', { 'content-type': 'text/xml', connection: 'close' }, '<monit>'));
    const chunk = Buffer.alloc(1 << 20, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < 50 && !s.destroyed) {
        sent++;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
      s.end();
    };
    pump();
  },
  endless: (s) => {
    s.write(answer('200 OK', { 'content-type': 'text/xml', connection: 'close' }, '<monit>'));
    const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write('<service/>')), 50);
  },
  silent: () => undefined,
  unauthorized: (s) => s.end(answer('401 Unauthorized', { 'www-authenticate': 'Basic realm="monit"', 'content-length': 0, connection: 'close' }, '')),
  halfway: (s) => {
    s.write(answer('200 OK', { 'content-type': 'text/xml', 'content-length': 5000 }, '<?xml version="1.0"?><monit><server>'));
    setTimeout(() => s.destroy(), 20);
  },
};

async function listen(behaviour: Behaviour): Promise<net.Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Answer once the request has arrived, as a server would.
    socket.once('data', () => behaviour(socket));
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, FAULT_ADDRESS, resolve));
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  }) as typeof server.close;
  return server;
}

async function freePort(): Promise<number> {
  const server = await listen(() => undefined);
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}


describe('StatusService against real endpoints', () => {
  let dir: string;
  let fleet: RunningFleet;
  let fleetService: FleetService;
  let status: StatusService;
  const servers: net.Server[] = [];
  const events: StatusEvent[] = [];
  const batches: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-status-'));
    fleet = await fleetUp({ hosts: 2, dir, nodeExporter: true, firstIndex: 7620 });
    const faultHosts: string[] = [];
    for (const [name, behaviour] of Object.entries(behaviours)) {
      const server = await listen(behaviour);
      servers.push(server);
      faultHosts.push(`        - { name: ${name}, address: ${FAULT_ADDRESS}, status: [ { monit: { port: ${(server.address() as net.AddressInfo).port} } } ] }`);
    }
    faultHosts.push(`        - { name: refused, address: ${FAULT_ADDRESS}, status: [ { monit: { port: ${await freePort()} } } ] }`);
    faultHosts.push(`        - { name: nosuchhost, address: no-such-host.invalid, status: [ { monit: { port: 2812 } } ] }`);
    const file = join(dir, 'status-fleet.yaml');
    const base = readFileSync(fleet.fleetFile, 'utf8').replace('defaults:\n', 'defaults:\n  interval: 1s\n');
    writeFileSync(file, `${base}  faults:\n    roles:\n      bad:\n${faultHosts.join('\n')}\n`);
    // The fleet file refers to the key and known_hosts relative to itself.
    fleetService = new FleetService(file);
    expect(fleetService.current.problem).toBeNull();
    status = new StatusService({ fleet: fleetService, flushMs: 100 });
    status.onEvent((e) => events.push(e));
    status.onBatch((b) => batches.push(b.hosts.length));
  });

  afterAll(async () => {
    status?.dispose();
    fleetService?.dispose();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  const host = (name: string): HostStatus | null => status.host(name);
  const endpoint = (name: string) => host(name)?.checks.find((c) => c.id === 'monit:endpoint');

  it('turns Monit and node_exporter answers into OK checks and samples', async () => {
    const h1 = await until('host-1 to have CPU from two scrapes', () => {
      const h = host('host-1');
      return h && h.latest['cpu_pct'] !== undefined && h;
    });
    expect(h1.state).toBe('OK');
    expect(h1.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['monit:endpoint', 'node_exporter:scrape', 'node_exporter:memory']));
    expect(h1.checks.some((c) => c.id.startsWith('monit:process:') || c.id.startsWith('monit:system:'))).toBe(true);
    expect(h1.latest['load1']).toBeGreaterThanOrEqual(0);
    expect(h1.latest['mem_used_pct']).toBeGreaterThan(0);
    expect(h1.stale).toBe(false);
  });

  it("keeps the response times Monit measures for its port checks as samples", async () => {
    const host2 = fleet.hosts[1]!;
    // Monit on host-2 watches host-2's node_exporter port, and times each of its checks.
    await addMonitCheck(fleet, host2.name, 'exporter.monitrc', `check host exporter with address ${host2.address}\n  if failed port ${host2.nodeExporterPort} protocol http request /metrics then alert`);
    const metric = `latency_ms:exporter:${host2.nodeExporterPort}`;
    const { latency } = await until('a Monit port check response time on host-2', () => {
      const latency = host('host-2')?.latest[metric];
      return latency !== undefined && { latency };
    });
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(host('host-2')!.latest['latency_ms:monit:endpoint']).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['html', 'UNKNOWN', /HTML page/],
    ['garbage', 'UNKNOWN', /did not answer in HTTP|not Monit/],
    ['bomb', 'UNKNOWN', /DOCTYPE or entities/],
    ['declared50mb', 'UNKNOWN', /sent 50\.0 MB, more than/],
    ['streamed50mb', 'UNKNOWN', /sent more than the 4\.0 MB/],
    ['endless', 'CRITICAL', /no complete answer .* within 0\.8 s/],
    ['silent', 'CRITICAL', /no complete answer .* within 0\.8 s/],
    ['unauthorized', 'UNKNOWN', /refused the credentials \(HTTP 401\)/],
    ['halfway', 'CRITICAL', /closed the connection in the middle/],
    ['refused', 'CRITICAL', /refused the connection/],
    ['nosuchhost', 'CRITICAL', /no such host|no complete answer/],
  ])('gives %s a %s with a reason', async (name, state, reason) => {
    const check = await until(`${name} to be hard`, () => {
      const c = endpoint(name);
      return c && c.hard && c;
    });
    expect(check.state).toBe(state);
    expect(check.reason).toMatch(reason);
    expect(host(name)?.state).toBe(state);
    expect(host(name)?.summary).toContain(check.reason);
  });

  it('keeps polling the good hosts while bad ones time out', async () => {
    const before = host('host-2')?.lastPoll ?? 0;
    const silentBefore = host('silent')?.lastPoll ?? 0;
    await until('host-2 to be polled 3 more times', () => (host('host-2')?.lastPoll ?? 0) >= before + 2500);
    expect(host('host-2')?.state).toBe('OK');
    // The dead host is backed off: it was checked less often than the good one.
    expect(status.stats.polls).toBeGreaterThan(0);
    expect(host('silent')?.lastPoll ?? 0).toBeLessThan(host('host-2')?.lastPoll ?? 0);
    expect(silentBefore).toBeGreaterThan(0);
  });

  it('makes a stopped Monit soft, then hard, then recovers with events', async () => {
    const pid = await stopDaemon(dir, 'host-2', 'monit');
    expect(pid).toBeGreaterThan(0);
    const soft = await until('a soft problem', () => {
      const c = endpoint('host-2');
      return c && c.state === 'CRITICAL' && c;
    });
    expect(soft.reason).toMatch(/refused the connection/);
    const hard = await until('a hard problem', () => {
      const c = endpoint('host-2');
      return c && c.state === 'CRITICAL' && c.hard && c;
    });
    expect(hard.attempt).toBe(hard.maxAttempts);
    expect(host('host-2')?.state).toBe('CRITICAL');
    expect(host('host-1')?.state).toBe('OK');
    // Events go out with the next flush.
    const mine = await until('the hard event', () => {
      const list = events.filter((e) => e.host === 'host-2' && e.check === 'monit:endpoint');
      return list.length >= 2 && list;
    });
    expect(mine.map((e) => [e.from, e.to, e.hard])).toEqual([
      ['OK', 'CRITICAL', false],
      ['CRITICAL', 'CRITICAL', true],
    ]);
    expect(status.events({ host: 'host-2', limit: 10 })[0]).toMatchObject({ check: 'monit:endpoint', to: 'CRITICAL', hard: true });

    await fleetUp({ hosts: 2, dir, nodeExporter: true, firstIndex: 7620 });
    // Backed off after the failures: up to a few intervals until the next try.
    await until('recovery', () => endpoint('host-2')?.state === 'OK', 60_000);
    const recovery = await until('the recovery event', () => events.filter((e) => e.host === 'host-2' && e.check === 'monit:endpoint')[2]);
    expect(recovery).toMatchObject({ from: 'CRITICAL', to: 'OK', hard: true });
  });

  it('takes up where the last run left off: a problem that cleared meanwhile is a recovery, one that lasts is not new', async () => {
    // The history of a console that stopped with host-1's Monit down and "refused" unreachable.
    mkdirSync(join(dir, 'restarted'));
    const history = await HistoryStore.open(join(dir, 'restarted'), { maintainEveryMs: null });
    const left = { checkName: 'Monit', reason: 'refused the connection', from: 'CRITICAL', to: 'CRITICAL', hard: true } as const;
    const leftAt = Date.now() - 3_600_000;
    history.writeEvents([
      { ...left, at: leftAt, host: 'host-1', check: 'monit:endpoint' },
      { ...left, at: leftAt, host: 'refused', check: 'monit:endpoint' },
    ]);
    const restarted = new StatusService({ fleet: fleetService, flushMs: 100, history });
    const seen: StatusEvent[] = [];
    restarted.onEvent((e) => seen.push(e));
    try {
      const recovery = await until('the recovery event', () => seen.find((e) => e.host === 'host-1' && e.check === 'monit:endpoint'));
      expect(recovery).toMatchObject({ from: 'CRITICAL', to: 'OK', hard: true });
      const lasting = await until('the unreachable host polled', () => restarted.host('refused')?.checks.find((c) => c.id === 'monit:endpoint'));
      expect(lasting).toMatchObject({ state: 'CRITICAL', hard: true, since: leftAt });
      // Still down as it was: no new "OK -> CRITICAL" for it after a few more polls.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(seen.filter((e) => e.host === 'refused')).toEqual([]);
      expect(history.events({ host: 'host-1', limit: 1 })[0]).toMatchObject({ from: 'CRITICAL', to: 'OK' });
    } finally {
      restarted.dispose();
      history.dispose();
    }
  });

  it('sends batches of changed hosts only, never every host every time', () => {
    expect(batches.length).toBeGreaterThan(3);
    const total = 2 + Object.keys(behaviours).length + 2;
    expect(Math.min(...batches)).toBeLessThan(total);
  });
});
