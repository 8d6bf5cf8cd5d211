// `npm run bench -- bad-endpoints --hosts 1000`: the status engine polling 1,000 good hosts while a
// few answer in every bad way a host can (hostileEndpoints.ts: a byte a second, a body that never
// finishes, silence, 50 MB, a never-ending chunked body, binary, a reset mid-answer, not HTTP).
// The real StatusService runs in this process (nginx and the bad endpoints in processes of their
// own), so this process' RSS is the engine's. It checks what must hold: memory stays bounded,
// every good host is polled on time, every bad host has a reason, and prints them as one JSON line.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFleetFile } from '../../electron/core/inventory/parseFleetFile';
import { StatusService, type PollReport } from '../../electron/core/status/statusService';
import type { FleetSnapshot } from '../../shared/fleet/model';
import { ensureBenchBinaries } from './binaries';
import { HOSTILE_KINDS, HOSTILE_WHAT, type HostileKind } from './hostileEndpoints';
import { MONIT_PORT, NODE_EXPORTER_PORT, startNginx } from './nginx';
import { renderBenchFleet } from './pollFleetFile';
import { percentile } from './pollProtocol';

export const BAD_ENDPOINTS_USAGE = `bench bad-endpoints [--hosts N] [--per-kind K] [--seconds S] [--interval S]
  --hosts N       good hosts (default 1000), nginx at 127.0.206.1 … (250 per /24)
  --per-kind K    bad hosts of each kind (default 2), at 127.0.215.x
  --seconds S     the measured window (default 60), after a warm-up of two intervals
  --interval S    poll interval (default 10)`;

/** A gap between two polls of a good host longer than this many intervals is a late poll. */
const LATE_FACTOR = 1.5;
const RSS_TARGET_MB = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const goodAddress = (i: number): string => `127.0.${206 + Math.floor(i / 250)}.${1 + (i % 250)}`;
const badAddress = (i: number): string => `127.0.215.${1 + i}`;

export async function runBadEndpointsBench(o: { hosts: number; perKind: number; seconds: number; intervalS: number }): Promise<number> {
  if (o.hosts > 2000) throw new Error('--hosts is at most 2000 here (127.0.206–213.x)');
  if (o.perKind * HOSTILE_KINDS.length > 250) throw new Error('--per-kind is at most 31');
  const bins = ensureBenchBinaries(false, console.log);
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-bad-'));
  chmodSync(dir, 0o755);
  const warmupS = 2 * o.intervalS;
  const limitS = warmupS + o.seconds + 120;
  const bad = HOSTILE_KINDS.flatMap((kind) => Array.from({ length: o.perKind }, () => kind)).map((kind, i) => ({ kind, address: badAddress(i), name: `bad-${kind}-${i + 1}` }));
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const good = Array.from({ length: o.hosts }, (_, i) => goodAddress(i));
    const nginx = await startNginx({ nginx: bins.nginx, timeoutBin: bins.timeout, dir, addresses: good, limitS });
    stops.push(() => nginx.daemon.stop());
    const hostile = await startHostileChild(bad);
    stops.push(() => void hostile.kill('SIGTERM'));
    const fleetFile = join(dir, 'fleet.yaml');
    const badLines = ['      bad:', ...bad.map((b) => `        - { name: ${b.name}, address: ${b.address} }`)];
    writeFileSync(fleetFile, renderBenchFleet(o.hosts, o.intervalS, ['monit', 'node_exporter'], goodAddress) + badLines.join('\n') + '\n');
    console.log(`bad-endpoints bench: ${o.hosts} good hosts, ${bad.length} bad ones (${o.perKind} of each kind), interval ${o.intervalS} s, warm-up ${warmupS} s, window ${o.seconds} s`);

    const polls = new Map<string, Array<{ at: number; report: PollReport }>>();
    const service = startService(fleetFile, (report) => {
      const list = polls.get(report.host) ?? [];
      list.push({ at: Date.now(), report });
      polls.set(report.host, list);
    });
    stops.push(() => service.dispose());
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 250);
    stops.push(() => clearInterval(rssTimer));
    await sleep(warmupS * 1000);
    const from = Date.now();
    rssMax = 0;
    await sleep(o.seconds * 1000);
    const to = Date.now();
    return report({ o, bad, polls, from, to, rssMaxMb: rssMax / 1024 / 1024 });
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function startService(fleetFile: string, onPolled: (report: PollReport) => void): StatusService {
  const parsed = parseFleetFile(readFileSync(fleetFile, 'utf8'), fleetFile);
  if (!parsed.ok) throw new Error(`fleet file: ${parsed.problem.message}`);
  const { environments, hosts } = parsed.fleet;
  const snapshot: FleetSnapshot = { file: fleetFile, loadedAt: Date.now(), environments, hosts, problem: null, revision: 1 };
  return new StatusService({ history: null, fleet: { current: snapshot, onChange: () => ({ dispose: () => undefined }) }, onPolled });
}

async function startHostileChild(bad: ReadonlyArray<{ kind: HostileKind; address: string }>): Promise<ChildProcess> {
  const config = JSON.stringify({ endpoints: bad.map(({ kind, address }) => ({ kind, address })), ports: [MONIT_PORT, NODE_EXPORTER_PORT] });
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hostileEndpoints.ts'), config], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bad endpoints exited (code ${code}) before they listened`)));
    child.stdout?.on('data', (data: Buffer) => String(data).includes('ready') && resolve());
  });
  return child;
}

function report(r: {
  o: { hosts: number; intervalS: number; seconds: number };
  bad: ReadonlyArray<{ kind: HostileKind; name: string }>;
  polls: Map<string, Array<{ at: number; report: PollReport }>>;
  from: number;
  to: number;
  rssMaxMb: number;
}): number {
  const badNames = new Set(r.bad.map((b) => b.name));
  const limitMs = LATE_FACTOR * r.o.intervalS * 1000;
  let goodPolls = 0;
  let goodFailed = 0;
  let lateGaps = 0;
  let unpolled = 0;
  const pollMs: number[] = [];
  for (const [host, list] of r.polls) {
    if (badNames.has(host)) continue;
    const inWindow = list.filter((p) => p.at >= r.from && p.at <= r.to);
    if (inWindow.length === 0) unpolled++;
    goodPolls += inWindow.length;
    goodFailed += inWindow.filter((p) => p.report.sources.some((s) => !s.answered)).length;
    pollMs.push(...inWindow.map((p) => p.report.durationMs));
    // Gaps between this host's polls, and from the window's start to its first and its last to the end.
    const times = [r.from, ...inWindow.map((p) => p.at), r.to];
    for (let i = 1; i < times.length; i++) if ((times[i] as number) - (times[i - 1] as number) > limitMs) lateGaps++;
  }
  unpolled += r.o.hosts - [...r.polls.keys()].filter((h) => !badNames.has(h)).length;
  console.log('bad hosts, as the status engine reports them (source: reason):');
  let withReason = 0;
  for (const b of r.bad) {
    const last = r.polls.get(b.name)?.at(-1)?.report;
    const reasons = last ? last.sources.map((s) => `${s.kind}: ${s.answered ? 'answered?!' : s.reason || '(no reason)'}`) : ['never polled'];
    const ok = !!last && last.sources.every((s) => !s.answered && s.reason !== '');
    if (ok) withReason++;
    console.log(`  ${ok ? ' ' : '✗'} ${b.name} (${HOSTILE_WHAT[b.kind]}): ${reasons.join('; ')}`);
  }
  const result = {
    good_hosts: r.o.hosts,
    bad_hosts: r.bad.length,
    interval_s: r.o.intervalS,
    window_s: r.o.seconds,
    rss_max_mb: Math.round(r.rssMaxMb),
    good_polls: goodPolls,
    good_polls_failed: goodFailed,
    good_late_gaps: lateGaps,
    good_unpolled: unpolled,
    good_poll_ms_p50: Math.round(percentile(pollMs, 50)),
    good_poll_ms_p99: Math.round(percentile(pollMs, 99)),
    bad_with_reason: withReason,
  };
  console.log(JSON.stringify(result));
  const held = result.rss_max_mb < RSS_TARGET_MB && goodFailed === 0 && lateGaps === 0 && unpolled === 0 && withReason === r.bad.length;
  console.log(held ? 'held: memory bounded, every good host on time, every bad host with a reason' : 'NOT held: see the figures above');
  return held ? 0 : 1;
}
