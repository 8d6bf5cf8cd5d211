// `npm run demo` stops everything it started on Ctrl-C (SIGINT to its process group, as a terminal
// sends it), on SIGTERM and when its terminal closes (SIGHUP to the group), also after a deploy
// left the sample app running on the hosts and the console busy with SSH connections. And
// `npm run fleet -- up` on the demo's dir leaves its fleet file as it was.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCore } from './coreClient';
import { fleetDown } from './fleet/fleet';
import { readState } from './fleet/state';
import { isRunning, readProcStat, type ProcId } from './fleet/procs';
import { until, untilAsync } from './until';

const FIRST_INDEX = (161 - 10) * 254; // 127.0.161.x: clear of the demo's 127.0.10.x and the other tests'

let dir = '';
let demo: ChildProcess | null = null;

afterEach(async () => {
  // Only a safety net for a failed test: the demo's group, then whatever the fleet recorded.
  if (demo?.pid) {
    try {
      process.kill(-demo.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (dir) {
    await fleetDown(dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

/** Every process whose command line or working folder is in the demo's dir: daemons, the
 * console, the sample app the deploy started, the demo itself. */
function describeProcess(proc: ProcId): string {
  let cmdline = '?';
  try {
    cmdline = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    // gone meanwhile
  }
  return `${proc.pid}: ${cmdline}`;
}

function processesOf(folder: string): ProcId[] {
  const found: ProcId[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline = '';
    let cwd = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // gone, or not ours to read
    }
    const proc = { pid: Number(entry), startTime: readProcStat(Number(entry))?.startTime ?? null };
    if ((cmdline.includes(folder) || cwd.startsWith(folder)) && isRunning(proc)) found.push(proc);
  }
  return found;
}

/** `npm run demo` in a fresh dir, in its own process group as a terminal's foreground job is:
 * its output so far, when that output ends, and the console's URL once it printed it. */
async function startDemo(...extra: string[]): Promise<{ out: () => string; outputEnded: Promise<void>; pageUrl: string }> {
  dir = mkdtempSync(join(tmpdir(), 'fleetdeck-demo-'));
  const child = spawn('npm', ['run', '--silent', 'demo', '--', ...extra, '--dir', dir, '--hosts', '3', '--port', '0', '--first-index', String(FIRST_INDEX)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo = child;
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const outputEnded = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
  const pageUrl = await until('the console URL', () => /Fleetdeck: (http:\/\/\S+)/.exec(out)?.[1], 120_000);
  return { out: () => out, outputEnded, pageUrl };
}

/** As root, the demo's environment "private": its tiles green (the status of priv-1 and priv-2
 * read through bastion-1), app "intranet" deployed to them, its health gates passing through the
 * bastion, and the link the demo tells how to cut: priv-1 goes CRITICAL naming the bastion, and
 * comes back once it is mended. */
async function behindTheBastion(pageUrl: string, out: () => string): Promise<void> {
  const cut = `npm run fleet -- link private down --dir ${dir}`;
  expect(out()).toContain(cut);
  const link = (state: 'down' | 'up') => {
    const run = spawnSync('npm', ['run', '--silent', 'fleet', '--', 'link', 'private', state, '--dir', dir], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  };
  const core = await connectCore(pageUrl);
  try {
    for (const host of ['bastion-1', 'priv-1', 'priv-2']) {
      await untilAsync(`${host} OK`, async () => (await core.call('status.host', { host }))?.state === 'OK', 60_000);
    }
    const { id } = await core.call('deploy.start', { app: 'intranet', ref: 'v2' });
    const record = await untilAsync('the deploy behind the bastion to finish', async () => (await core.call('deploy.history', { app: 'intranet' })).find((r) => r.id === id && r.finishedAt !== null), 90_000);
    expect(record.outcome, record.message ?? '').toBe('succeeded');
    link('down');
    try {
      const down = await untilAsync('priv-1 CRITICAL', async () => {
        const status = await core.call('status.host', { host: 'priv-1' });
        return status?.state === 'CRITICAL' && status;
      }, 60_000);
      expect(down.summary).toMatch(/bastion-1/);
    } finally {
      link('up');
    }
    await untilAsync('priv-1 OK again', async () => (await core.call('status.host', { host: 'priv-1' }))?.state === 'OK', 90_000);
  } finally {
    core.close();
  }
}

describe('npm run demo', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`stops the console and every fleet process on ${signal} to its process group, after a deploy`, async () => {
      const { out, outputEnded, pageUrl } = await startDemo();

      const core = await connectCore(pageUrl);
      try {
        const { id } = await core.call('deploy.start', { app: 'shop', ref: 'v2' });
        const record = await untilAsync('the deploy to finish', async () => (await core.call('deploy.history', { app: 'shop' })).find((r) => r.id === id && r.finishedAt !== null), 90_000);
        expect(record.outcome, record.message ?? '').toBe('succeeded');
      } finally {
        core.close();
      }

      if (signal === 'SIGTERM') await behindTheBastion(pageUrl, out);
      if (signal === 'SIGINT') {
        // `npm run fleet -- up`, as given to bring a host back, keeps the demo's fleet file: its
        // stages stay, or a deploy "to staging" would plan production too.
        const before = readFileSync(join(dir, 'fleet.yaml'), 'utf8');
        expect(before).toContain('stages: [staging, production]');
        const up = spawnSync('npm', ['run', '--silent', 'fleet', '--', 'up', '--dir', dir, '--hosts', '3'], { encoding: 'utf8' });
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(readFileSync(join(dir, 'fleet.yaml'), 'utf8')).toBe(before);
      }

      const recorded = readState(dir)!.procs.filter(isRunning);
      const started = processesOf(dir);
      expect(recorded.length).toBeGreaterThanOrEqual(10);
      for (const proc of recorded) expect(started.map((p) => p.pid)).toContain(proc.pid);

      process.kill(-demo!.pid!, signal);
      // The demo (and the console sharing its stdout) have exited once the pipe closes.
      await outputEnded;
      expect(out()).toMatch(/demo: stopped the console and \d+ fleet processes/);
      // A command a host was running for the console (its sshd session outlives the listener) may
      // take a moment to finish; a daemon left behind never does. Name whatever stays.
      const leftovers = (): string[] => [...started, ...processesOf(dir)].filter(isRunning).map(describeProcess);
      await until('every process of the demo to be gone', () => leftovers().length === 0, 3000).catch(() => undefined);
      expect(leftovers()).toEqual([]);
    }, 240_000);
  }
  it('with --prometheus, reads the status and 7 days of graphs from a Prometheus, and stops it too', async () => {
    const { out, outputEnded, pageUrl } = await startDemo('--prometheus');
    expect(out()).toMatch(/demo: Prometheus at http:\/\/127\.0\.0\.1:\d+/);
    expect(out()).toContain(join(dir, 'fleet-prometheus.yaml'));

    const core = await connectCore(pageUrl);
    try {
      const target = await untilAsync('host-1 scraped by Prometheus', async () => (await core.call('status.host', { host: 'host-1' }))?.checks.find((c) => c.id === 'prometheus:target' && c.state === 'OK'), 60_000);
      expect(target.reason).toMatch(/^scraped by Prometheus/);
      // The 7 backfilled days, drawn from Prometheus at 900 s a point.
      const [load] = await core.call('history.series', { host: 'host-1', metrics: ['load1'], range: '7d', points: 672 });
      expect(load!.points.length).toBeGreaterThan(600);
      expect(load!.points[1]![0] - load!.points[0]![0]).toBe(900_000);
    } finally {
      core.close();
    }

    const started = processesOf(dir);
    process.kill(-demo!.pid!, 'SIGINT');
    await outputEnded;
    expect(out()).toMatch(/demo: stopped the console and \d+ fleet processes/);
    // Prometheus too: its command line names the demo's dir.
    expect([...started, ...processesOf(dir)].filter(isRunning).map(describeProcess)).toEqual([]);
  }, 240_000);
});
