// Debian's Prometheus for the integration tests: started on a loopback address of the test's
// own, with its own config and TSDB in the test's temp dir, waited for on /-/ready, stopped by
// pid. The same start as the benchmarks' (e2e/bench/prometheus.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from '../bench/binaries';
import { startPrometheus } from '../bench/prometheus';

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapePool: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface TestPrometheus {
  url: string;
  query(promql: string): Promise<PromSeries[]>;
  targets(): Promise<PromTarget[]>;
  /** Writes a new prometheus.yml and has Prometheus read it (SIGHUP). */
  reload(config: string): void;
  stop(): Promise<void>;
}

/** A scrape job of a prometheus.yml: `name` scraping `targets` (host:port) at `path`. */
export function scrapeJob(name: string, targets: string[], path = '/metrics'): string {
  return [`  - job_name: ${JSON.stringify(name)}`, `    metrics_path: ${JSON.stringify(path)}`, '    static_configs:', `      - targets: ${JSON.stringify(targets)}`].join('\n');
}

export function prometheusYaml(intervalS: number, jobs: string[]): string {
  return ['global:', `  scrape_interval: ${intervalS}s`, `  scrape_timeout: ${intervalS}s`, 'scrape_configs:', ...jobs, ''].join('\n');
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; error?: string; data: T };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? response.status}`);
  return body.data;
}

/** The TSDB directory startTestPrometheus uses in `dir`: backfill it (promtool) before starting. */
export function prometheusDataDir(dir: string): string {
  return join(dir, 'prometheus', 'data');
}

/** OpenMetrics text of `days` days of node_exporter samples of each instance (job "node"), one a
 * minute up to `endS`: load1 is the hour of the day, CPU 25 %, memory 60 %, disk / 70 % full,
 * 1000 B/s received on eth0. */
export function nodeBackfill(instances: readonly string[], endS: number, days: number): string {
  const startS = endS - days * 86400;
  const families: { name: string; type: string; sample: (labels: string) => string; value: (t: number) => number }[] = [
    { name: 'node_load1', type: 'gauge', sample: (l) => `node_load1{${l}}`, value: (t) => Math.floor(t / 3600) % 24 },
    { name: 'node_memory_MemTotal_bytes', type: 'gauge', sample: (l) => `node_memory_MemTotal_bytes{${l}}`, value: () => 1000 },
    { name: 'node_memory_MemAvailable_bytes', type: 'gauge', sample: (l) => `node_memory_MemAvailable_bytes{${l}}`, value: () => 400 },
    { name: 'node_boot_time_seconds', type: 'gauge', sample: (l) => `node_boot_time_seconds{${l}}`, value: () => startS - 3 * 86400 },
    { name: 'node_filesystem_size_bytes', type: 'gauge', sample: (l) => `node_filesystem_size_bytes{${l},mountpoint="/",fstype="ext4",device="/dev/vda1"}`, value: () => 100 },
    { name: 'node_filesystem_avail_bytes', type: 'gauge', sample: (l) => `node_filesystem_avail_bytes{${l},mountpoint="/",fstype="ext4",device="/dev/vda1"}`, value: () => 30 },
    { name: 'node_cpu_seconds', type: 'counter', sample: (l) => `node_cpu_seconds_total{${l},cpu="0",mode="idle"}`, value: (t) => 0.75 * (t - startS) },
    { name: 'node_network_receive_bytes', type: 'counter', sample: (l) => `node_network_receive_bytes_total{${l},device="eth0"}`, value: (t) => 1000 * (t - startS) },
  ];
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const instance of instances) {
      const sample = family.sample(`job="node",instance=${JSON.stringify(instance)}`);
      for (let t = startS; t <= endS; t += 60) lines.push(`${sample} ${family.value(t)} ${t}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** Writes `openMetrics` into the TSDB of `dir` with Debian's promtool, before Prometheus starts. */
export function backfillTsdb(dir: string, openMetrics: string): void {
  const promtool = findBinary('promtool');
  if (!promtool) throw new Error("Debian's promtool is needed: apt-get install prometheus (build/debian-packages.txt)");
  const input = join(dir, 'backfill.om');
  writeFileSync(input, openMetrics);
  mkdirSync(prometheusDataDir(dir), { recursive: true });
  execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', input, prometheusDataDir(dir)], { stdio: 'pipe' });
}

export async function startTestPrometheus(
  dir: string,
  listen: string,
  config: string,
  options: { retention?: string; limitS?: number } = {},
): Promise<TestPrometheus> {
  const prometheus = findBinary('prometheus');
  const timeoutBin = findBinary('timeout');
  if (!prometheus || !timeoutBin) throw new Error('Debian\'s prometheus (and coreutils\' timeout) are needed: apt-get install prometheus (build/debian-packages.txt)');
  const run = await startPrometheus({
    prometheus,
    timeoutBin,
    dir,
    addresses: [],
    intervalS: 1,
    limitS: options.limitS ?? 900,
    config,
    listen,
    retention: options.retention,
  });
  return {
    url: run.url,
    query: async (promql) => (await api<{ result: PromSeries[] }>(`${run.url}/api/v1/query?query=${encodeURIComponent(promql)}`)).result,
    targets: async () => (await api<{ activeTargets: PromTarget[] }>(`${run.url}/api/v1/targets?state=active`)).activeTargets,
    reload: (next) => {
      writeFileSync(join(dir, 'prometheus', 'prometheus.yml'), next);
      process.kill(run.daemon.main.pid, 'SIGHUP');
    },
    stop: () => run.daemon.stop(),
  };
}
