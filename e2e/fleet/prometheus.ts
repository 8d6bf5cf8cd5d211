// Debian's Prometheus for the integration tests: started on a loopback address of the test's
// own, with its own config and TSDB in the test's temp dir, waited for on /-/ready, stopped by
// pid. The same start as the benchmarks' (e2e/bench/prometheus.ts).
import { writeFileSync } from 'node:fs';
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

export async function startTestPrometheus(dir: string, listen: string, config: string, options: { retention?: string } = {}): Promise<TestPrometheus> {
  const prometheus = findBinary('prometheus');
  const timeoutBin = findBinary('timeout');
  if (!prometheus || !timeoutBin) throw new Error('Debian\'s prometheus (and coreutils\' timeout) are needed: apt-get install prometheus (build/debian-packages.txt)');
  const run = await startPrometheus({ prometheus, timeoutBin, dir, addresses: [], intervalS: 1, limitS: 900, config, listen, retention: options.retention });
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
