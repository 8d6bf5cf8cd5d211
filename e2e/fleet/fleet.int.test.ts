// Integration test of the test fleet: starts 3 real hosts (sshd, Monit, node_exporter) on
// loopback, talks to each the way the console will, and checks that `down` leaves nothing behind.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { untilAsync } from '../until';
import { addMonitCheck, fleetDown, fleetStatus, fleetUp, hostAddress, type FleetHost, type RunningFleet } from './fleet';

// Away from the default 127.0.10.x, so this test can run while a dev fleet (`npm run fleet -- up`) is up.
const FIRST_INDEX = 2540; // 127.0.20.1 …
const HOSTS = 3;
/** sshd, Monit and node_exporter per host, and HAProxy on the lb. */
const DAEMONS = HOSTS * 3 + 1;

let dir: string;
let fleet: RunningFleet;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-int-'));
  fleet = await fleetUp({ hosts: HOSTS, dir, firstIndex: FIRST_INDEX });
}, 60_000);

afterAll(async () => {
  // Only a safety net when a test failed before the `down` test ran.
  if (dir) {
    await fleetDown(dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

/** The raw host key blob known_hosts lists for [address]:port. */
function knownKey(host: FleetHost): Buffer {
  const line = readFileSync(fleet.knownHosts, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`[${host.address}]:${host.sshPort} `));
  if (!line) throw new Error(`no known_hosts line for ${host.address}`);
  const [, type, blob] = line.split(' ');
  expect(type).toBe('ssh-ed25519');
  return Buffer.from(blob as string, 'base64');
}

/** Runs one command over ssh2, verifying the host key against `expectedKey`. */
function sshExec(host: FleetHost, command: string, expectedKey: Buffer): Promise<{ stdout: string; code: number | null; verified: boolean }> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let verified = false;
    let stdout = '';
    conn
      .on('ready', () => {
        conn.exec(command, (err, stream) => {
          if (err) return reject(err);
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', () => undefined);
          stream.on('close', (code: number | null) => {
            conn.end();
            resolve({ stdout, code, verified });
          });
        });
      })
      .on('error', reject)
      .connect({
        host: host.address,
        port: host.sshPort,
        username: fleet.user,
        privateKey: readFileSync(fleet.identity),
        readyTimeout: 10_000,
        hostVerifier: (key: Buffer) => (verified = key.equals(expectedKey)),
      });
  });
}

interface MonitService {
  type: number;
  name: string;
  status: number;
  pid: number | null;
}

function monitServices(xml: string): MonitService[] {
  return [...xml.matchAll(/<service type="(\d+)">([\s\S]*?)<\/service>/g)].map(([, type, body]) => ({
    type: Number(type),
    name: /<name>([^<]*)<\/name>/.exec(body as string)?.[1] ?? '',
    status: Number(/<status>(\d+)<\/status>/.exec(body as string)?.[1] ?? NaN),
    pid: Number(/<pid>(\d+)<\/pid>/.exec(body as string)?.[1] ?? NaN) || null,
  }));
}

const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function monitXml(host: FleetHost, auth: string | null): Promise<Response> {
  return fetch(`http://${host.address}:${host.monitPort}/_status?format=xml`, {
    headers: auth ? { authorization: auth } : {},
    signal: AbortSignal.timeout(5000),
  });
}

function recordedPids(): string[] {
  return fleetStatus(dir).hosts.flatMap((h) => h.procs.map((p) => `${h.name}/${p.kind}/${p.pid}`)).sort();
}

/** Non-zombie processes whose command line mentions the fleet dir (what `pgrep -f DIR` shows). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

describe('test fleet', () => {
  it('describes the hosts in fleet.yaml, known_hosts and the returned fleet', () => {
    expect(fleet.hosts.map((h) => [h.name, h.address])).toEqual([
      ['host-1', hostAddress(FIRST_INDEX)],
      ['host-2', hostAddress(FIRST_INDEX + 1)],
      ['host-3', hostAddress(FIRST_INDEX + 2)],
    ]);
    expect(fleet.hosts[0]?.address).toBe('127.0.20.1');
    const doc = parse(readFileSync(fleet.fleetFile, 'utf8'));
    expect(doc.defaults.user).toBe(fleet.user);
    expect(doc.defaults.status[0].monit.password).toBe(fleet.monitPassword);
    expect(doc.environments.staging.roles.app).toEqual([{ name: 'host-1', address: '127.0.20.1' }]);
    expect(doc.environments.production.roles.lb).toMatchObject([{ name: 'host-2', address: '127.0.20.2' }]);
    // The lb reads HAProxy's stats besides the defaults' Monit and node_exporter.
    expect(doc.environments.production.roles.lb[0].status.map((s: object) => Object.keys(s)[0])).toEqual(['monit', 'node_exporter', 'haproxy']);
    expect(doc.environments.production.roles.app).toEqual([{ name: 'host-3', address: '127.0.20.3' }]);
    expect(readFileSync(fleet.knownHosts, 'utf8').trim().split('\n')).toHaveLength(HOSTS);
  });

  it('lets the client key log in to each host, whose key matches known_hosts, and tells the session its host', async () => {
    for (const host of fleet.hosts) {
      const result = await sshExec(host, 'echo $FLEETDECK_HOST; echo $HOME', knownKey(host));
      expect(result.verified).toBe(true);
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').slice(0, 2)).toEqual([host.name, join(host.dir, 'home')]);
    }
  });

  it('refuses a host whose key is not the one in known_hosts', async () => {
    const [first, second] = fleet.hosts as [FleetHost, FleetHost];
    await expect(sshExec(first, 'true', knownKey(second))).rejects.toThrow();
  });

  it('serves each Monit status with the system and sshd services OK, behind basic auth', async () => {
    for (const host of fleet.hosts) {
      expect((await monitXml(host, null)).status).toBe(401);
      const res = await monitXml(host, basicAuth(fleet.monitUser, fleet.monitPassword));
      expect(res.status).toBe(200);
      const services = monitServices(await res.text());
      const system = services.find((s) => s.type === 5);
      const sshd = services.find((s) => s.type === 3 && s.name === 'sshd');
      expect(system).toMatchObject({ name: host.name, status: 0 });
      expect(sshd).toMatchObject({ status: 0 });
      // Monit watches this host's own sshd, not some other one.
      expect(sshd?.pid).toBe(Number(readFileSync(join(host.dir, 'sshd.pid'), 'utf8')));
    }
  });

  it('serves node_exporter metrics on each host', async () => {
    for (const host of fleet.hosts) {
      const res = await fetch(`http://${host.address}:${host.nodeExporterPort}/metrics`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^node_load1 \d/m);
    }
  });

  it('adds a Monit check to one host through monit.d', async () => {
    const host = fleet.hosts[2] as FleetHost;
    await addMonitCheck(fleet, host.name, 'home.monitrc', `check directory home with path ${join(host.dir, 'home')}`);
    const services = monitServices(await (await monitXml(host, basicAuth(fleet.monitUser, fleet.monitPassword))).text());
    expect(services.find((s) => s.name === 'home')).toMatchObject({ type: 1, status: 0 }) // 1 = directory;
    const other = monitServices(await (await monitXml(fleet.hosts[0] as FleetHost, basicAuth(fleet.monitUser, fleet.monitPassword))).text());
    expect(other.some((s) => s.name === 'home')).toBe(false);
  });

  it('starts nothing new when brought up again', async () => {
    const before = recordedPids();
    expect(before).toHaveLength(DAEMONS);
    const again = await fleetUp({ hosts: HOSTS, dir, firstIndex: FIRST_INDEX });
    expect(again.monitPassword).toBe(fleet.monitPassword);
    expect(recordedPids()).toEqual(before);
    expect(fleetStatus(dir).dead).toBe(0);
  }, 60_000);

  it('stops every recorded process on down and leaves none behind', async () => {
    const pids = fleetStatus(dir).hosts.flatMap((h) => h.procs.map((p) => p.pid));
    expect(pids).toHaveLength(DAEMONS);
    expect(processesMentioning(dir).length).toBeGreaterThanOrEqual(DAEMONS);
    const { stopped } = await fleetDown(dir);
    expect(stopped).toBe(DAEMONS);
    // Our own children: Node reaps them (on its next turn after SIGCHLD), so the pid is truly
    // gone, not left a zombie.
    const gone = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    await untilAsync('every pid to be reaped', async () => pids.every(gone), 5000).catch(() => undefined);
    for (const pid of pids) expect(gone(pid), `pid ${pid} still exists`).toBe(true);
    expect(processesMentioning(dir)).toEqual([]);
    expect(fleetStatus(dir).hosts).toEqual([]);
  }, 30_000);
});
