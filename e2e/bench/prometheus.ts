// Prometheus from Debian (2.42) scraping the same node_exporter endpoints as Fleetdeck, as the
// yardstick for Fleetdeck's CPU per scrape. Own config, own TSDB dir in the run's temp dir, web on
// a free 127.0.0.1 port; asked through its HTTP API how many scrapes it really made.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startDaemon, logTail, type Daemon } from './daemons';
import { NODE_EXPORTER_PORT } from './nginx';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const PROMETHEUS_JOB = 'node';

export function prometheusConfig(addresses: string[], intervalS: number): string {
  return [
    'global:',
    `  scrape_interval: ${intervalS}s`,
    `  scrape_timeout: ${Math.max(1, intervalS - 1)}s`,
    '  evaluation_interval: 1m',
    'scrape_configs:',
    `  - job_name: ${PROMETHEUS_JOB}`,
    '    static_configs:',
    '      - targets:',
    ...addresses.map((a) => `          - "${a}:${NODE_EXPORTER_PORT}"`),
  ].join('\n') + '\n';
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrometheusRun {
  daemon: Daemon;
  url: string;
  /** Evaluates an instant PromQL query that yields one number (NaN if it yields none). */
  scalar(query: string, atS?: number): Promise<number>;
}

export async function startPrometheus(opts: {
  prometheus: string;
  timeoutBin: string;
  dir: string;
  addresses: string[];
  intervalS: number;
  limitS: number;
  /** A whole prometheus.yml instead of one job scraping `addresses`' node_exporters. */
  config?: string;
  /** host:port to listen on (the tests' own loopback addresses) instead of a free 127.0.0.1 port. */
  listen?: string;
  /** How long the TSDB keeps samples (a backfilled TSDB needs its days kept). */
  retention?: string;
  /** A --web.config.file (TLS, basic auth), and how to ask the server so served if it is ready. */
  web?: { configFile: string; scheme: 'http' | 'https'; ready: (url: string) => Promise<boolean> };
}): Promise<PrometheusRun> {
  const home = join(opts.dir, 'prometheus');
  mkdirSync(join(home, 'data'), { recursive: true });
  const conf = join(home, 'prometheus.yml');
  writeFileSync(conf, opts.config ?? prometheusConfig(opts.addresses, opts.intervalS));
  const listen = opts.listen ?? `127.0.0.1:${await freePort()}`;
  const url = `${opts.web?.scheme ?? 'http'}://${listen}`;
  const logFile = join(home, 'prometheus.log');
  const daemon = await startDaemon({
    what: 'prometheus',
    timeoutBin: opts.timeoutBin,
    limitS: opts.limitS,
    command: opts.prometheus,
    args: [
      `--config.file=${conf}`,
      `--storage.tsdb.path=${join(home, 'data')}`,
      `--web.listen-address=${listen}`,
      `--storage.tsdb.retention.time=${opts.retention ?? '1d'}`,
      '--log.level=warn',
      ...(opts.web ? [`--web.config.file=${opts.web.configFile}`] : []),
    ],
    logFile,
    match: home,
  });
  const run: PrometheusRun = {
    daemon,
    url,
    async scalar(query, atS) {
      const params = new URLSearchParams({ query });
      if (atS !== undefined) params.set('time', atS.toFixed(3));
      const response = await fetch(`${url}/api/v1/query?${params}`, { signal: AbortSignal.timeout(30000) });
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
      if (body.status !== 'success' || !body.data) throw new Error(`prometheus query ${query}: ${body.error ?? response.status}`);
      const { resultType, result } = body.data;
      if (resultType === 'scalar') return Number((result as [number, string])[1]);
      const vector = result as Array<{ value: [number, string] }>;
      return vector.length > 0 ? Number(vector[0]!.value[1]) : NaN;
    },
  };
  try {
    const deadline = Date.now() + 30000;
    for (;;) {
      if (daemon.child.exitCode !== null) throw new Error(`prometheus exited (code ${daemon.child.exitCode}) before it was ready`);
      try {
        if (opts.web ? await opts.web.ready(url) : (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('prometheus was not ready within 30 s');
      await sleep(100);
    }
  } catch (error) {
    await daemon.stop().catch(() => undefined);
    throw new Error(`${(error as Error).message}${logTail(logFile)}`);
  }
  return run;
}
