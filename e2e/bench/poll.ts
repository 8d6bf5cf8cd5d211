// `npm run bench -- poll --hosts 1000`: Fleetdeck's status polling against 1,000 hosts, measured.
//
// nginx (Debian's) stands in for every host: Monit's XML on ADDR:2812 and node_exporter's text on
// ADDR:9100 for 1,000 loopback addresses (127.0.50.1 …). Fleetdeck's StatusService runs in a child
// process of its own (so /proc gives its CPU and RSS alone) with a generated fleet file; Prometheus
// (Debian's 2.42) scrapes the same node_exporter endpoints as the yardstick. After a warm-up of
// two intervals (JIT, connection set-up, Prometheus creating ~500k series) the bench measures a
// window of --seconds and reports CPU per scrape for both.
//
// Concurrent by default: Fleetdeck and Prometheus run at the same time, so both see the same
// nginx, kernel and machine state in the window, and the run takes one window, not two. Their
// CPU is accounted per process (utime+stime), which sharing two cores does not change as long as
// the machine is not saturated; the report gives every measured process' share so that can be
// checked. `--sequential` runs Fleetdeck's window, then Prometheus' window, for a cross-check.
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBenchBinaries, versionOf } from './binaries';
import { stopLeftovers } from './daemons';
import { pct, runBench, sleepUntil, type Stopper } from './benchRun';
import { startNginx } from './nginx';
import { startPrometheus, PROMETHEUS_JOB, type PrometheusRun } from './prometheus';
import { UsageTracker, type Usage } from './procStats';
import { buildChild, ChildHandle } from './pollChildHandle';
import { benchAddress, MAX_HOSTS, renderBenchFleet, type BenchSources } from './pollFleetFile';
import { percentile, type ChildCounters, type ChildSummary, type ProfileKind } from './pollProtocol';
import { jumpFigures, jumpProgress, startPrivateSide, type JumpSample, type PrivateSide } from './pollPrivate';
import { formatHeapProfile, formatProfile, summarizeHeapProfile, summarizeProfile } from './profileSummary';

export interface PollOptions {
  hosts: number;
  seconds: number;
  intervalS: number;
  warmupS: number;
  sequential: boolean;
  prometheus: boolean;
  engine: 'fleetdeck' | 'raw';
  sources: BenchSources;
  /** V8's CPU sampler, or its allocation sampler keeping what reached the old generation. */
  profile: ProfileKind | null;
  /** The service writes its history (SQLite) as the console does. */
  history: boolean;
  keep: boolean;
  /** The same fleet also behind a bastion, polled through it by a second child (pollPrivate.ts). */
  private: boolean;
  repoRoot: string;
}

export const POLL_USAGE = `bench poll [--hosts N] [--seconds S] [--interval S] [--warmup S] [--sequential]
           [--no-prometheus] [--engine fleetdeck|raw] [--sources monit,node_exporter] [--profile | --heap-profile] [--history] [--private] [--keep]
  --hosts N       hosts to poll (default 1000, at most ${MAX_HOSTS}), at 127.0.50.1 … (250 per /24)
  --seconds S     the measured window (default 180), after a warm-up
  --interval S    poll and scrape interval (default 10)
  --warmup S      not measured: JIT, connections, Prometheus' series creation (default 2 intervals)
  --sequential    measure Fleetdeck, then Prometheus, one after the other (default: at the same time)
  --no-prometheus Fleetdeck alone (no prometheus_cpu_ratio)
  --engine raw    fetch the endpoints and discard the bodies: the HTTP floor, not Fleetdeck
  --sources L     status sources per host (default monit,node_exporter)
  --profile       profile the child (V8's sampler, as node --cpu-prof) over the window and print where its time goes
                  (with --private: the child that polls through the bastion)
  --heap-profile  sample the child's allocations over the window, keeping those that reached the old generation
                  (promoted, or put there at once by V8's pretenuring): what the full collections work on
  --history       also write the samples and events to a history store (SQLite), as the console does;
                  without it the figure is the polling alone (the issue's target); with it, the console's whole cost
  --private       also the same fleet behind a bastion (root: network namespaces): 198.18.1.1 … in a private
                  namespace, polled by a second child through its one SSH connection to the bastion, beside
                  the direct one; prints via_jump_cpu_ratio and the bastion sshd's CPU (no Prometheus)
  --keep          keep the temp dir (configs, logs, Prometheus' TSDB)`;

interface Sample {
  t: number;
  child: ChildCounters | null;
  fleetdeck: Usage | null;
  prometheus: Usage | null;
  nginx: Usage;
  benchCpuS: number;
  jump: JumpSample | null;
}

interface Window {
  start: Sample;
  end: Sample;
  rssMaxMb: number;
  promRssMaxMb: number;
}

const log = (message: string) => console.log(message);
const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;
const r4 = (n: number) => Math.round(n * 10000) / 10000;

export function runPoll(options: PollOptions): Promise<number> {
  return runBench({ keep: options.keep, kept: `configs, logs${options.prometheus ? ', Prometheus TSDB' : ''}` }, (ctx) =>
    runPollInner(options, ctx.signal, ctx.stoppers, ctx.setDir),
  );
}

async function runPollInner(
  o: PollOptions,
  signal: AbortSignal,
  stoppers: Stopper[],
  setDir: (dir: string) => void,
): Promise<number> {
  if (!Number.isInteger(o.hosts) || o.hosts < 1 || o.hosts > MAX_HOSTS) throw new Error(`--hosts must be 1…${MAX_HOSTS}`);
  if (!(o.seconds >= o.intervalS)) throw new Error('--seconds must be at least one interval');
  if (!(o.intervalS >= 1 && o.intervalS <= 300)) throw new Error('--interval must be 1…300 seconds');
  const check = () => {
    if (signal.aborted) throw signal.reason;
  };

  await stopLeftovers(log);
  const bins = ensureBenchBinaries(o.prometheus, log);
  check();
  const phases = o.sequential && o.prometheus ? 2 : 1;
  const planS = phases * (o.warmupS + o.seconds) + 60;
  // Watchdog for every process: the planned run plus a margin; nothing outlives that.
  const limitS = planS + 120;

  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-poll-'));
  chmodSync(dir, 0o755);
  setDir(dir);
  const addresses = Array.from({ length: o.hosts }, (_, i) => benchAddress(i));
  const fleetFile = join(dir, 'fleet.yaml');
  writeFileSync(fleetFile, renderBenchFleet(o.hosts, o.intervalS, o.sources));

  log(`poll bench: ${o.hosts} hosts (${addresses[0]} … ${addresses[addresses.length - 1]}), interval ${o.intervalS} s, ` +
    `warm-up ${o.warmupS} s, window ${o.seconds} s, ${o.prometheus ? (o.sequential ? 'Fleetdeck then Prometheus' : 'Fleetdeck and Prometheus at the same time') : 'no Prometheus'}, ` +
    `engine ${o.engine}${o.history ? ', with history' : ''}${o.profile ? `, ${o.profile} profile` : ''}; temp dir ${dir}`);
  const bundle = await buildChild(o.repoRoot);
  check();

  const nginx = await startNginx({ nginx: bins.nginx, timeoutBin: bins.timeout, dir, addresses, limitS });
  stoppers.push({ what: 'nginx', stop: () => nginx.daemon.stop() });
  log(`nginx ${versionOf(bins.nginx, ['-v'], /nginx\/(\S+)/)} up: ${o.hosts * 2} listeners, node_exporter body ${Math.round(nginx.metricsBytes / 1024)} KB (gzip when asked)`);
  check();
  const nginxUsage = new UsageTracker(() => nginx.daemon.tree());
  let privateSide: PrivateSide | null = null;
  if (o.private) {
    privateSide = await startPrivateSide({ dir, hosts: o.hosts, intervalS: o.intervalS, sources: o.sources, bins, limitS, log });
    stoppers.push({ what: 'the private side (nginx, test fleet, namespaces)', stop: () => privateSide!.stop() });
    check();
  }

  const profileFile = o.profile ? join(o.repoRoot, 'dist', 'bench', 'profiles', `poll-${o.engine}-${o.hosts}-${new Date().toISOString().replace(/[:.]/g, '-')}.${o.profile === 'heap' ? 'heapprofile' : 'cpuprofile'}`) : null;
  if (profileFile) mkdirSync(dirname(profileFile), { recursive: true });
  const startChild = async (side: 'direct' | 'jump' = 'direct'): Promise<{ child: ChildHandle; usage: UsageTracker }> => {
    const file = side === 'jump' ? (privateSide as PrivateSide).fleetFile : fleetFile;
    const child = ChildHandle.start({
      bundle,
      dir,
      name: side === 'jump' ? 'fleetdeck-jump' : 'fleetdeck',
      config: { engine: o.engine, fleetFile: file, hosts: o.hosts, intervalMs: o.intervalS * 1000, maxRunMs: (o.warmupS + o.seconds + 60) * 1000, dataDir: join(dir, `${side}-data`), history: o.history },
    });
    stoppers.push({ what: `the Fleetdeck child (${side})`, stop: () => child.stop() });
    const hosts = await child.ready(60000);
    // Behind the bastion, the fleet file has the bastion too.
    if (hosts !== o.hosts + (side === 'jump' ? 1 : 0)) throw new Error(`the ${side} child loaded ${hosts} hosts from the fleet file, expected ${o.hosts}`);
    return { child, usage: new UsageTracker(() => [child.proc.pid]) };
  };
  let jumpSide: { child: ChildHandle; usage: UsageTracker; nginx: UsageTracker; sshd: UsageTracker } | null = null;
  let promVersion = '';
  const startProm = async (): Promise<{ prom: PrometheusRun; usage: UsageTracker }> => {
    const prom = await startPrometheus({ prometheus: bins.prometheus as string, timeoutBin: bins.timeout, dir, addresses, intervalS: o.intervalS, limitS });
    stoppers.push({ what: 'prometheus', stop: () => prom.daemon.stop() });
    promVersion = versionOf(bins.prometheus as string, ['--version'], /version (\S+)/);
    return { prom, usage: new UsageTracker(() => prom.daemon.tree()) };
  };

  const sample = async (child: ChildHandle | null, childUsage: UsageTracker | null, promUsage: UsageTracker | null): Promise<Sample> => {
    const counters = child ? await child.counters() : null;
    const jumpCounters = jumpSide ? await jumpSide.child.counters() : null;
    const t = Date.now();
    const u = process.cpuUsage();
    return {
      jump:
        jumpSide && jumpCounters
          ? { child: jumpCounters, fleetdeck: jumpSide.usage.sample(), nginx: jumpSide.nginx.sample(), sshd: jumpSide.sshd.sample() }
          : null,
      t,
      child: counters,
      fleetdeck: childUsage ? childUsage.sample() : null,
      prometheus: promUsage ? promUsage.sample() : null,
      nginx: nginxUsage.sample(),
      benchCpuS: (u.user + u.system) / 1e6,
    };
  };

  /** Warm-up, then the window with one progress line per interval. */
  const measure = async (label: string, child: ChildHandle | null, childUsage: UsageTracker | null, promUsage: UsageTracker | null): Promise<Window> => {
    const warmStart = Date.now();
    log(`[${label}] warming up for ${o.warmupS} s …`);
    await sleepUntil(warmStart + o.warmupS * 1000, signal);
    // With --private, the child that polls through the bastion is the one profiled.
    const profiled = jumpSide?.child ?? child;
    if (profiled && profileFile && o.profile) await profiled.profileStart(o.profile);
    const start = await sample(child, childUsage, promUsage);
    let end = start;
    let rssMaxMb = start.fleetdeck?.rssMb ?? 0;
    let promRssMaxMb = start.prometheus?.rssMb ?? 0;
    const steps = Math.ceil(o.seconds / o.intervalS);
    for (let i = 1; i <= steps; i++) {
      await sleepUntil(start.t + Math.min(i * o.intervalS, o.seconds) * 1000, signal);
      end = await sample(child, childUsage, promUsage);
      rssMaxMb = Math.max(rssMaxMb, end.fleetdeck?.rssMb ?? 0);
      promRssMaxMb = Math.max(promRssMaxMb, end.prometheus?.rssMb ?? 0);
      log(progressLine(label, start, end));
    }
    if (profiled && profileFile) await profiled.profileStop(profileFile);
    return { start, end, rssMaxMb, promRssMaxMb };
  };

  let fdWindow: Window | null = null;
  let promWindow: Window | null = null;
  let summary: ChildSummary | null = null;
  let prom: PrometheusRun | null = null;
  let child: ChildHandle | null = null;

  if (phases === 1) {
    const promStarted = o.prometheus ? await startProm() : null;
    prom = promStarted?.prom ?? null;
    check();
    const c = await startChild();
    child = c.child;
    if (privateSide) {
      const side = privateSide;
      const j = await startChild('jump');
      jumpSide = { ...j, nginx: new UsageTracker(() => side.nginx.daemon.tree()), sshd: new UsageTracker(() => side.sshdTree()) };
      log(`Fleetdeck child through the bastion: pid ${j.child.proc.pid}, private nginx pid ${side.nginx.daemon.main.pid}`);
    }
    log(`Fleetdeck child pid ${child.proc.pid}${prom ? `, prometheus ${promVersion} pid ${prom.daemon.main.pid} (${prom.url})` : ''}, nginx pid ${nginx.daemon.main.pid}`);
    fdWindow = await measure('run', child, c.usage, promStarted?.usage ?? null);
    promWindow = prom ? fdWindow : null;
    summary = await child.summary(fdWindow.start.t);
  } else {
    const c = await startChild();
    child = c.child;
    log(`Fleetdeck child pid ${child.proc.pid}, nginx pid ${nginx.daemon.main.pid}`);
    fdWindow = await measure('fleetdeck', child, c.usage, null);
    summary = await child.summary(fdWindow.start.t);
    await child.stop();
    check();
    const p = await startProm();
    prom = p.prom;
    log(`prometheus ${promVersion} pid ${prom.daemon.main.pid} (${prom.url})`);
    promWindow = await measure('prometheus', null, null, p.usage);
  }

  // What Prometheus says it did in its window: one `up` sample per scrape, failed ones are 0.
  let promScrapes = NaN;
  let promFailed = NaN;
  let promScrapeMs = NaN;
  if (prom && promWindow) {
    const range = `${Math.round(promWindow.end.t - promWindow.start.t)}ms`;
    const at = promWindow.end.t / 1000;
    const sel = `up{job="${PROMETHEUS_JOB}"}`;
    promScrapes = await prom.scalar(`sum(count_over_time(${sel}[${range}]))`, at);
    promFailed = promScrapes - (await prom.scalar(`sum(sum_over_time(${sel}[${range}]))`, at));
    promScrapeMs = 1000 * (await prom.scalar(`avg(avg_over_time(scrape_duration_seconds{job="${PROMETHEUS_JOB}"}[${range}]))`, at));
  }
  if (child) await child.stop();
  if (jumpSide) await jumpSide.child.stop();

  const result = report(o, fdWindow, summary, promWindow, { scrapes: promScrapes, failed: promFailed, scrapeMs: promScrapeMs, version: promVersion });
  if (profileFile) {
    const shown = `${profileFile} (${Math.round(statSync(profileFile).size / 1024)} KB; open in Chrome DevTools › ${o.profile === 'heap' ? 'Memory' : 'Performance'})`;
    log(o.profile === 'heap' ? formatHeapProfile(summarizeHeapProfile(profileFile, o.repoRoot), shown) : formatProfile(summarizeProfile(profileFile, o.repoRoot), shown));
  }
  printTargets(result);
  // The last line: one JSON object.
  log(JSON.stringify(result));
  return 0;
}

function progressLine(label: string, start: Sample, end: Sample): string {
  const ms = end.t - start.t;
  const parts = [`[${label} ${String(Math.round(ms / 1000)).padStart(4)} s]`];
  if (end.child && start.child && end.fleetdeck && start.fleetdeck) {
    const p = end.child.polls;
    const s = start.child.polls;
    const cpu = end.fleetdeck.cpuS - start.fleetdeck.cpuS;
    parts.push(
      `fleetdeck polls monit ${p.monit.ok - s.monit.ok}` + (p.monit.errors - s.monit.errors ? ` (+${p.monit.errors - s.monit.errors} err)` : '') +
        `, node_exporter ${p.node_exporter.ok - s.node_exporter.ok}` + (p.node_exporter.errors - s.node_exporter.errors ? ` (+${p.node_exporter.errors - s.node_exporter.errors} err)` : '') +
        `; cpu ${cpu.toFixed(2)} s = ${pct(cpu, ms).toFixed(2)} % core; rss ${end.fleetdeck.rssMb.toFixed(0)} MB`,
    );
  }
  if (end.prometheus && start.prometheus) {
    const cpu = end.prometheus.cpuS - start.prometheus.cpuS;
    parts.push(`prometheus cpu ${cpu.toFixed(2)} s = ${pct(cpu, ms).toFixed(1)} %, rss ${end.prometheus.rssMb.toFixed(0)} MB`);
  }
  if (start.jump && end.jump) parts.push(jumpProgress(start.jump, end.jump, ms));
  parts.push(`nginx ${pct(end.nginx.cpuS - start.nginx.cpuS, ms).toFixed(1)} %`);
  return parts.join(' | ');
}

interface PromFacts {
  scrapes: number;
  failed: number;
  scrapeMs: number;
  version: string;
}

type Result = Record<string, unknown> & { targets?: Record<string, boolean> };

function report(o: PollOptions, fd: Window, summary: ChildSummary | null, pw: Window | null, pf: PromFacts): Result {
  const ms = fd.end.t - fd.start.t;
  const fdCpu = (fd.end.fleetdeck?.cpuS ?? 0) - (fd.start.fleetdeck?.cpuS ?? 0);
  const polls = (k: 'monit' | 'node_exporter', f: 'ok' | 'errors') => (fd.end.child?.polls[k][f] ?? 0) - (fd.start.child?.polls[k][f] ?? 0);
  const nePolls = polls('node_exporter', 'ok') + polls('node_exporter', 'errors');
  const monitPolls = polls('monit', 'ok') + polls('monit', 'errors');
  const allPolls = nePolls + monitPolls;
  const cycleMs = summary?.cycleMs ?? [];
  const result: Result = {
    bench: 'poll',
    engine: o.engine,
    hosts: o.hosts,
    interval_s: o.intervalS,
    cpu_core_pct: r2(pct(fdCpu, ms)),
    p99_cycle_ms: cycleMs.length ? Math.round(percentile(cycleMs, 99)) : null,
    rss_mb: Math.round(fd.rssMaxMb),
    prometheus_cpu_ratio: null as number | null,
    duration_s: r1(ms / 1000),
    warmup_s: o.warmupS,
    mode: o.prometheus ? (o.sequential ? 'sequential' : 'concurrent') : 'fleetdeck-only',
    sources: o.sources,
    history: o.history,
    cpu_s: r2(fdCpu),
    cpu_kernel_s: r2((fd.end.fleetdeck?.sysS ?? 0) - (fd.start.fleetdeck?.sysS ?? 0)),
    rss_hwm_mb: Math.round(fd.end.fleetdeck?.hwmMb ?? 0),
    polls: { monit: polls('monit', 'ok'), node_exporter: polls('node_exporter', 'ok') },
    errors: { monit: polls('monit', 'errors'), node_exporter: polls('node_exporter', 'errors') },
    error_samples: fd.end.child?.errorSamples ?? [],
    expected_polls_per_source: Math.round((o.hosts * ms) / (o.intervalS * 1000)),
    fleetdeck_cpu_ms_per_scrape: nePolls ? r4((1000 * fdCpu) / nePolls) : null,
    fleetdeck_cpu_ms_per_poll: allPolls ? r4((1000 * fdCpu) / allPolls) : null,
    cycles: cycleMs.length,
    p50_cycle_ms: cycleMs.length ? Math.round(percentile(cycleMs, 50)) : null,
    max_cycle_ms: cycleMs.length ? Math.round(Math.max(...cycleMs)) : null,
    cycle_ms_is: summary?.cycleWhat ?? null,
    poll_latency_ms: summary?.latencyMs ?? null,
    ...(summary && Object.keys(summary.extra).length ? { status_service: summary.extra } : {}),
    nginx_cpu_core_pct: r2(pct(fd.end.nginx.cpuS - fd.start.nginx.cpuS, ms)),
    bench_cpu_core_pct: r2(pct(fd.end.benchCpuS - fd.start.benchCpuS, ms)),
  };
  if (pw && pw.end.prometheus && pw.start.prometheus) {
    const pms = pw.end.t - pw.start.t;
    const promCpu = pw.end.prometheus.cpuS - pw.start.prometheus.cpuS;
    const perScrape = promCpu / pf.scrapes;
    result.prometheus_cpu_ratio = nePolls && pf.scrapes ? r4(fdCpu / nePolls / perScrape) : null;
    Object.assign(result, {
      prometheus_cpu_ratio_all_polls: allPolls && pf.scrapes ? r4(fdCpu / allPolls / perScrape) : null,
      prometheus_version: pf.version,
      prometheus_scrapes: pf.scrapes,
      prometheus_failed_scrapes: pf.failed,
      prometheus_cpu_s: r2(promCpu),
      prometheus_cpu_kernel_s: r2(pw.end.prometheus.sysS - pw.start.prometheus.sysS),
      prometheus_cpu_core_pct: r2(pct(promCpu, pms)),
      prometheus_cpu_ms_per_scrape: r4((1000 * promCpu) / pf.scrapes),
      prometheus_scrape_ms_avg: r2(pf.scrapeMs),
      prometheus_rss_mb: Math.round(pw.promRssMaxMb),
    });
    if (pw !== fd) result.prometheus_nginx_cpu_core_pct = r2(pct(pw.end.nginx.cpuS - pw.start.nginx.cpuS, pms));
  }
  if (fd.start.jump && fd.end.jump) {
    Object.assign(result, jumpFigures(fd.start.jump, fd.end.jump, ms, result.cpu_core_pct as number, result.polls as { monit: number; node_exporter: number }));
  }
  result.machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
  result.profiled = o.profile;
  result.targets = {
    cpu_core_pct: (result.cpu_core_pct as number) <= 5,
    rss_mb: (result.rss_mb as number) <= 250,
    ...(result.prometheus_cpu_ratio !== null ? { prometheus_cpu_ratio: (result.prometheus_cpu_ratio as number) <= 1 } : {}),
    ...(result.via_jump_cpu_ratio !== undefined ? { via_jump_cpu_ratio: (result.via_jump_cpu_ratio as number) <= 1.5 } : {}),
  };
  return result;
}

function printTargets(result: Result): void {
  const t = result.targets ?? {};
  const line = (name: string, value: unknown, limit: string) => `${name} ${value} ${limit} ${t[name] === undefined ? '(not measured)' : t[name] ? 'met' : 'MISSED'}`;
  log(
    'targets: ' +
      [
        line('cpu_core_pct', result.cpu_core_pct, '≤ 5'),
        line('prometheus_cpu_ratio', result.prometheus_cpu_ratio, '≤ 1.0'),
        line('rss_mb', result.rss_mb, '≤ 250'),
        ...(result.via_jump_cpu_ratio !== undefined ? [line('via_jump_cpu_ratio', result.via_jump_cpu_ratio, '≤ 1.5') + ` (bastion sshd ${result.bastion_sshd_cpu_core_pct} % core)`] : []),
      ].join('; '),
  );
}
