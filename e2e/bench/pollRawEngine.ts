// The "raw" engine: what fetching alone costs. Every host's two endpoints are fetched at a fixed
// phase in the interval (whole ticks, as the StatusService does) with Fleetdeck's own httpGet
// (keep-alive to node_exporter, a new connection per Monit request as Monit closes them), and
// the bodies are thrown away. No parsing, no health, no history. Run it with `--engine raw` to
// see how much of Fleetdeck's CPU is HTTP itself; RAW_CLIENT=node:http measures node:http instead.
import http from 'node:http';
import type { Host } from '../../shared/fleet/model';
import { httpGet } from '../../electron/core/http/httpGet';
import { POLL_TICK_MS } from '../../electron/core/status/scheduler';
import type { ChildCounters, ChildSummary, SourceName } from './pollProtocol';
import { LatencyLog, newCounters } from './pollCounters';

const TIMEOUT_MS = 5000;
const MAX_BYTES = 4 * 1024 * 1024;

export class RawEngine {
  private readonly counters: ChildCounters = newCounters();
  private readonly latency = new LatencyLog();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly cycleEnds = new Map<number, number>();
  private readonly cycleMs: number[] = [];
  private readonly startedAt = Date.now();

  constructor(
    private readonly hosts: Host[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const n = this.hosts.length;
    this.hosts.forEach((host, i) => {
      const phase = Math.floor(((i / n) * this.intervalMs) / POLL_TICK_MS) * POLL_TICK_MS;
      let cycle = 0;
      const tick = () => {
        const c = cycle++;
        this.pollHost(host, c);
      };
      this.timers.push(
        setTimeout(() => {
          tick();
          this.timers.push(setInterval(tick, this.intervalMs));
        }, phase),
      );
    });
  }

  private pollHost(host: Host, cycle: number): void {
    let pending = 0;
    const done = () => {
      if (--pending > 0) return;
      // A cycle is complete when the last host has finished its polls of that cycle.
      const finished = (this.cycleEnds.get(cycle) ?? 0) + 1;
      if (finished === this.hosts.length) {
        this.cycleEnds.delete(cycle);
        this.cycleMs.push(Date.now() - (this.startedAt + cycle * this.intervalMs));
        this.counters.cycles++;
      } else this.cycleEnds.set(cycle, finished);
    };
    for (const source of host.status) {
      const kind = Object.keys(source)[0] as SourceName;
      const opts = (source[kind] ?? {}) as { port?: number; user?: string; password?: string };
      pending++;
      if (kind === 'monit') {
        const auth = opts.user ? `${opts.user}:${opts.password ?? ''}` : undefined;
        this.fetch(kind, { host: host.address, port: opts.port ?? 2812, path: '/_status?format=xml', auth, agent: false }, done);
      } else if (kind === 'node_exporter') {
        this.fetch(kind, { host: host.address, port: opts.port ?? 9100, path: '/metrics', agent: this.agent }, done);
      } else {
        pending--;
      }
    }
  }

  private fetch(source: SourceName, options: http.RequestOptions, done: () => void): void {
    const started = performance.now();
    let finished = false;
    const finish = (error: string | null) => {
      if (finished) return;
      finished = true;
      const counts = this.counters.polls[source];
      if (error) {
        counts.errors++;
        if (this.counters.errorSamples.length < 5 && !this.counters.errorSamples.includes(error)) this.counters.errorSamples.push(error);
      } else {
        counts.ok++;
        this.latency.add(source, performance.now() - started);
      }
      done();
    };
    if (process.env.RAW_CLIENT !== 'node:http') {
      const { host, port, path, auth } = options;
      httpGet(`http://${host}:${port}${path}`, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES, auth: auth ?? undefined }).then(
        (answer) => finish(answer.status === 200 ? null : `${source}: HTTP ${answer.status}`),
        (error: Error) => finish(`${source}: ${error.message}`),
      );
      return;
    }
    const req = http.get({ ...options, timeout: TIMEOUT_MS }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_BYTES) req.destroy(new Error('response too large'));
      });
      res.on('end', () => finish(res.statusCode === 200 ? null : `${source}: HTTP ${res.statusCode}`));
      res.on('error', (e) => finish(`${source}: ${e.message}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => finish(`${source}: ${e.message}`));
  }

  snapshot(): ChildCounters {
    return { ...this.counters, polls: { monit: { ...this.counters.polls.monit }, node_exporter: { ...this.counters.polls.node_exporter } }, at: Date.now() };
  }

  summary(sinceMs: number): ChildSummary {
    return {
      ...this.snapshot(),
      cycleMs: this.cycleMs.slice(),
      cycleWhat: 'raw engine: from the scheduled start of cycle k (k × interval) until the last host finished its k-th polls',
      latencyMs: this.latency.summary(sinceMs),
      extra: {},
    };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.agent.destroy();
  }
}
