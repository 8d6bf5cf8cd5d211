// `npm run bench -- prometheus --hosts 10000`: Fleetdeck reading 10,000 hosts from a Prometheus.
//
// Debian's Prometheus really scrapes 10,000 targets: nginx serves the captured node_exporter
// answers, cut to the families Fleetdeck reads, on ADDR:9100 for 10,000 loopback addresses
// (127.0.200.1 … 127.0.239.250, clear of the tests' blocks), every --scrape-interval (default
// 30 s: 333 scrapes a second on a two-core machine). Fleetdeck's core (the real StatusService
// with the real prometheus source, in a child process of its own so /proc gives its CPU and RSS
// alone) reads a fleet file of those 10,000 hosts, each with `prometheus: { url, job }`, every
// --interval (10 s). Prometheus is measured twice: scraping alone (a window before Fleetdeck
// starts) and while Fleetdeck reads, so its CPU for Fleetdeck's queries is the difference, and
// its own request timers say how long it spent answering them.
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBenchBinaries, versionOf, type BenchBinaries } from './binaries';
import { pct, runBench, sleepUntil, type BenchContext } from './benchRun';
import { stopLeftovers } from './daemons';
import { NODE_EXPORTER_PORT, startNginx } from './nginx';
import { buildChild, ChildHandle } from './pollChildHandle';
import { FLEETDECK_FAMILIES } from './pollFixtures';
import { benchAddress, benchHostName } from './pollFleetFile';
import { percentile, type ChildSummary, type PrometheusCounts } from './pollProtocol';
import { UsageTracker, type Usage } from './procStats';
import { formatProfile, summarizeProfile } from './profileSummary';
import { PROMETHEUS_JOB, prometheusConfig, startPrometheus, type PrometheusRun } from './prometheus';

const FIRST_OCTET3 = 200;
/** Targets per nginx: its worker needs two descriptors for each. */
const NGINX_TARGETS = 4000;
export const PROM_BENCH_MAX_HOSTS = 10_000;

export interface PrometheusBenchOptions {
  hosts: number;
  /** The measured window while Fleetdeck reads. */
  seconds: number;
  /** Fleetdeck's interval. */
  intervalS: number;
  /** Prometheus's scrape interval. */
  scrapeS: number;
  profile: boolean;
  keep: boolean;
  repoRoot: string;
}

export const PROMETHEUS_USAGE = `bench prometheus [--hosts N] [--seconds S] [--interval S] [--scrape-interval S] [--profile] [--keep]
  --hosts N            targets Prometheus scrapes and hosts Fleetdeck reads (default 10000, at most ${PROM_BENCH_MAX_HOSTS})
  --seconds S          the measured window while Fleetdeck reads (default 120)
  --interval S         Fleetdeck's interval (default 10)
  --scrape-interval S  Prometheus's scrape interval (default 30)
  --profile            profile Fleetdeck's process over the window and print where its time goes
  --keep               keep the temp dir (configs, logs, Prometheus' TSDB)`;

export function promBenchAddress(index: number): string {
  return benchAddress(index, FIRST_OCTET3, PROM_BENCH_MAX_HOSTS);
}

export function renderPrometheusFleet(hosts: number, intervalS: number, url: string): string {
  const lines = [
    '# Written by `npm run bench -- prometheus`: every host read from one Prometheus.',
    'defaults:',
    `  interval: ${intervalS}s`,
    '  status:',
    `    - prometheus: { url: ${JSON.stringify(url)}, job: ${PROMETHEUS_JOB}, instance: "{address}:${NODE_EXPORTER_PORT}" }`,
    'environments:',
    '  bench:',
    '    roles:',
    '      app:',
  ];
  for (let i = 0; i < hosts; i++) lines.push(`        - { name: ${benchHostName(i)}, address: ${promBenchAddress(i)} }`);
  return lines.join('\n') + '\n';
}

/** Seconds Prometheus spent in its API handlers, from its own /metrics, by handler. */
async function handlerSeconds(url: string): Promise<Map<string, { s: number; n: number }>> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10000) })).text();
  const out = new Map<string, { s: number; n: number }>();
  for (const m of text.matchAll(/^prometheus_http_request_duration_seconds_(sum|count)\{handler="([^"]+)"\} (\S+)$/gm)) {
    const entry = out.get(m[2] as string) ?? { s: 0, n: 0 };
    if (m[1] === 'sum') entry.s = Number(m[3]);
    else entry.n = Number(m[3]);
    out.set(m[2] as string, entry);
  }
  return out;
}

interface Span {
  t0: number;
  t1: number;
  prom0: Usage;
  prom1: Usage;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export function runPrometheusBench(o: PrometheusBenchOptions): Promise<number> {
  return runBench({ keep: o.keep, kept: 'configs, logs, Prometheus TSDB' }, (ctx) => runInner(o, ctx));
}

interface Scraping {
  prom: PrometheusRun;
  usage: UsageTracker;
  version: string;
  metricsBytes: number;
}

/** nginx standing in for the targets, and Prometheus scraping them. */
async function startScraping(
  o: PrometheusBenchOptions,
  ctx: BenchContext,
  bins: BenchBinaries,
  dir: string,
  addresses: string[],
  limitS: number,
): Promise<Scraping> {
  // One nginx worker holds every listening socket and every kept-alive connection of
  // Prometheus, two descriptors a target: under a limit of 20,000 descriptors (which root in a
  // container may not raise), 10,000 targets need several nginx.
  let metricsBytes = 0;
  for (let first = 0, shard = 1; first < o.hosts; first += NGINX_TARGETS, shard++) {
    const nginx = await startNginx({ nginx: bins.nginx, timeoutBin: bins.timeout, dir, addresses: addresses.slice(first, first + NGINX_TARGETS), limitS, monit: false, families: FLEETDECK_FAMILIES, name: `nginx-${shard}` });
    ctx.stoppers.push({ what: `nginx ${shard}`, stop: () => nginx.daemon.stop() });
    metricsBytes = nginx.metricsBytes;
  }
  ctx.log(`nginx up (${Math.ceil(o.hosts / NGINX_TARGETS)} of them): ${o.hosts} node_exporter listeners, body cut to the families Fleetdeck reads: ${Math.round(metricsBytes / 1024)} KB`);
  const config = prometheusConfig(addresses, o.scrapeS).replace(/scrape_timeout: \d+s/, `scrape_timeout: ${Math.min(10, o.scrapeS)}s`);
  const prom = await startPrometheus({ prometheus: bins.prometheus as string, timeoutBin: bins.timeout, dir, addresses, intervalS: o.scrapeS, limitS, config });
  ctx.stoppers.push({ what: 'prometheus', stop: () => prom.daemon.stop() });
  const version = versionOf(bins.prometheus as string, ['--version'], /version (\S+)/);
  return { prom, usage: new UsageTracker(() => prom.daemon.tree()), version, metricsBytes };
}

/** Prometheus's CPU scraping alone; every target must be up, or the figures would mean nothing. */
async function scrapingAlone(
  o: PrometheusBenchOptions,
  ctx: BenchContext,
  scraping: Scraping,
  warmS: number,
  baselineS: number,
): Promise<{ span: Span; up: number }> {
  const { prom } = scraping;
  ctx.log(`prometheus ${scraping.version} pid ${prom.daemon.main.pid} (${prom.url}); warming up ${warmS} s, then ${baselineS} s of scraping alone`);
  await sleepUntil(Date.now() + warmS * 1000, ctx.signal);
  const span = await promSpan(scraping.usage, baselineS, ctx.signal);
  const up = await prom.scalar(`count(up{job="${PROMETHEUS_JOB}"} == 1)`);
  if (up !== o.hosts) {
    const down = (await (await fetch(`${prom.url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
    const reasons = [...new Set(down.data.activeTargets.filter((t) => t.health !== 'up').map((t) => t.lastError))].slice(0, 3);
    throw new Error(`only ${up || 0} of ${o.hosts} targets are up after the warm-up: ${reasons.join('; ')}`);
  }
  ctx.log(`[scraping alone] prometheus ${pct(span.prom1.cpuS - span.prom0.cpuS, span.t1 - span.t0).toFixed(1)} % of a core, rss ${span.prom1.rssMb.toFixed(0)} MB; ${up} of ${o.hosts} targets up`);
  return { span, up };
}

interface ReadWindow {
  t0: number;
  t1: number;
  fd0: Usage;
  fd1: Usage;
  prom: Span;
  rssMaxMb: number;
  handlers0: Map<string, { s: number; n: number }>;
  handlers1: Map<string, { s: number; n: number }>;
  summary: ChildSummary;
  counts: PrometheusCounts | undefined;
  profileFile: string | null;
}

/** Fleetdeck's child reading the fleet from Prometheus: a warm-up, then the measured window. */
async function readWindow(o: PrometheusBenchOptions, ctx: BenchContext, scraping: Scraping, bundle: string, dir: string, warmS: number): Promise<ReadWindow> {
  const fleetFile = join(dir, 'fleet.yaml');
  writeFileSync(fleetFile, renderPrometheusFleet(o.hosts, o.intervalS, scraping.prom.url));
  const config = { engine: 'fleetdeck' as const, fleetFile, hosts: o.hosts, intervalMs: o.intervalS * 1000, maxRunMs: (warmS + o.seconds + 120) * 1000, dataDir: join(dir, 'fleetdeck-data'), history: false };
  const child = ChildHandle.start({ bundle, dir, config });
  ctx.stoppers.push({ what: 'the Fleetdeck child', stop: () => child.stop() });
  const loaded = await child.ready(120000);
  if (loaded !== o.hosts) throw new Error(`the child loaded ${loaded} hosts, expected ${o.hosts}`);
  const usage = new UsageTracker(() => [child.proc.pid]);
  ctx.log(`Fleetdeck child pid ${child.proc.pid}; warming up ${warmS} s`);
  await sleepUntil(Date.now() + warmS * 1000, ctx.signal);
  const profileFile = o.profile ? join(o.repoRoot, 'dist', 'bench', 'profiles', `prometheus-${o.hosts}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`) : null;
  if (profileFile) {
    mkdirSync(dirname(profileFile), { recursive: true });
    await child.profileStart('cpu');
  }
  const handlers0 = await handlerSeconds(scraping.prom.url);
  const fd0 = usage.sample();
  const p0 = scraping.usage.sample();
  const t0 = Date.now();
  let rssMaxMb = fd0.rssMb;
  let fd1 = fd0;
  let p1 = p0;
  for (let i = 1; i * o.intervalS <= o.seconds; i++) {
    await sleepUntil(t0 + i * o.intervalS * 1000, ctx.signal);
    fd1 = usage.sample();
    p1 = scraping.usage.sample();
    rssMaxMb = Math.max(rssMaxMb, fd1.rssMb);
    const ms = Date.now() - t0;
    const counts = (await child.counters()).prometheus;
    ctx.log(`[${String(Math.round(ms / 1000)).padStart(4)} s] fleetdeck ${pct(fd1.cpuS - fd0.cpuS, ms).toFixed(2)} % core, rss ${fd1.rssMb.toFixed(0)} MB, ` +
      `reads ${counts?.reads ?? 0} (${counts?.hostsOk ?? 0}/${counts?.hostsMapped ?? 0} hosts OK${counts?.problems ? `, ${counts.problems} problems: ${counts.lastProblem}` : ''}) | ` +
      `prometheus ${pct(p1.cpuS - p0.cpuS, ms).toFixed(1)} %`);
  }
  const t1 = Date.now();
  const handlers1 = await handlerSeconds(scraping.prom.url);
  if (profileFile) await child.profileStop(profileFile);
  const summary = await child.summary(t0);
  const counts = (await child.counters()).prometheus;
  await child.stop();
  return { t0, t1, fd0, fd1, prom: { t0, t1, prom0: p0, prom1: p1 }, rssMaxMb, handlers0, handlers1, summary, counts, profileFile };
}

async function runInner(o: PrometheusBenchOptions, ctx: BenchContext): Promise<number> {
  if (!Number.isInteger(o.hosts) || o.hosts < 1 || o.hosts > PROM_BENCH_MAX_HOSTS) throw new Error(`--hosts must be 1…${PROM_BENCH_MAX_HOSTS}`);
  if (!(o.intervalS >= 1 && o.scrapeS >= 1 && o.seconds >= o.intervalS)) throw new Error('--interval and --scrape-interval must be ≥ 1 s, --seconds at least one interval');
  await stopLeftovers(ctx.log);
  const bins = ensureBenchBinaries(true, ctx.log);
  // Prometheus first scrapes for two scrape intervals plus its baseline window, then Fleetdeck
  // warms up for two of its intervals, then the window.
  const promWarmS = 2 * o.scrapeS + 10;
  const baselineS = Math.max(60, 2 * o.scrapeS);
  const fdWarmS = 2 * o.intervalS;
  const limitS = promWarmS + baselineS + fdWarmS + o.seconds + 240;
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-prometheus-'));
  chmodSync(dir, 0o755);
  ctx.setDir(dir);
  const addresses = Array.from({ length: o.hosts }, (_, i) => promBenchAddress(i));
  ctx.log(`prometheus bench: ${o.hosts} targets (${addresses[0]} … ${addresses.at(-1)}), scraped every ${o.scrapeS} s, read by Fleetdeck every ${o.intervalS} s; temp dir ${dir}`);
  const bundle = await buildChild(o.repoRoot);
  const scraping = await startScraping(o, ctx, bins, dir, addresses, limitS);
  const alone = await scrapingAlone(o, ctx, scraping, promWarmS, baselineS);
  const w = await readWindow(o, ctx, scraping, bundle, dir, fdWarmS);
  const result = reportOf(o, scraping, alone, w);
  if (w.profileFile) ctx.log(formatProfile(summarizeProfile(w.profileFile, o.repoRoot), `${w.profileFile} (${Math.round(statSync(w.profileFile).size / 1024)} KB)`));
  ctx.log(`targets: cpu_core_pct ${result.cpu_core_pct} ≤ 2 ${result.targets.cpu_core_pct ? 'met' : 'MISSED'}; rss_mb ${result.rss_mb} ≤ 300 ${result.targets.rss_mb ? 'met' : 'MISSED'}`);
  // The last line: one JSON object.
  ctx.log(JSON.stringify(result));
  return 0;
}

function reportOf(o: PrometheusBenchOptions, scraping: Scraping, alone: { span: Span; up: number }, w: ReadWindow) {
  const ms = w.t1 - w.t0;
  const readMs = (w.summary.extra.prometheus_read_ms as number[] | undefined) ?? [];
  const reads = readMs.length;
  const promAlonePct = pct(alone.span.prom1.cpuS - alone.span.prom0.cpuS, alone.span.t1 - alone.span.t0);
  const promWithPct = pct(w.prom.prom1.cpuS - w.prom.prom0.cpuS, ms);
  const served = (handler: string) => {
    const a = w.handlers0.get(handler) ?? { s: 0, n: 0 };
    const b = w.handlers1.get(handler) ?? { s: 0, n: 0 };
    return { s: b.s - a.s, n: b.n - a.n };
  };
  const query = served('/api/v1/query');
  const targets = served('/api/v1/targets');
  const fdCpu = w.fd1.cpuS - w.fd0.cpuS;
  const cpuCorePct = r2(pct(fdCpu, ms));
  const rssMb = Math.round(w.rssMaxMb);
  return {
    bench: 'prometheus',
    hosts: o.hosts,
    interval_s: o.intervalS,
    scrape_interval_s: o.scrapeS,
    cpu_core_pct: cpuCorePct,
    rss_mb: rssMb,
    query_ms_p95: reads ? Math.round(percentile(readMs, 95)) : null,
    prometheus_cpu_core_pct_for_reads: r2(promWithPct - promAlonePct),
    prometheus_cpu_core_pct: r2(promWithPct),
    prometheus_cpu_core_pct_scraping_alone: r2(promAlonePct),
    prometheus_answer_ms_per_read: reads ? Math.round((1000 * (query.s + targets.s)) / reads) : null,
    prometheus_handlers_s: { query: r2(query.s), query_requests: query.n, targets: r2(targets.s), targets_requests: targets.n },
    prometheus_rss_mb: Math.round(Math.max(w.prom.prom1.rssMb, alone.span.prom1.rssMb)),
    prometheus_version: scraping.version,
    targets_up: alone.up,
    duration_s: Math.round(ms / 1000),
    reads,
    query_ms_p50: reads ? Math.round(percentile(readMs, 50)) : null,
    query_ms_max: reads ? Math.round(Math.max(...readMs)) : null,
    cpu_ms_per_read: reads ? Math.round((1000 * fdCpu) / reads) : null,
    cpu_kernel_s: r2(w.fd1.sysS - w.fd0.sysS),
    hosts_ok: w.counts?.hostsOk ?? 0,
    source_problems: w.counts?.problems ?? 0,
    batches: w.summary.extra.batches,
    node_exporter_body_kb: Math.round(scraping.metricsBytes / 1024),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    profiled: o.profile,
    targets: { cpu_core_pct: cpuCorePct <= 2, rss_mb: rssMb <= 300 },
  };
}

async function promSpan(usage: UsageTracker, seconds: number, signal: AbortSignal): Promise<Span> {
  const prom0 = usage.sample();
  const t0 = Date.now();
  await sleepUntil(t0 + seconds * 1000, signal);
  return { t0, t1: Date.now(), prom0, prom1: usage.sample() };
}
