// The "fleetdeck" engine: the real StatusService from electron/core/status, fed the generated fleet,
// polling as the console does (phases, concurrency cap, parsing, health, batched updates). The
// bench counts what the service reports through its poll observer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetSnapshot } from '../../shared/fleet/model';
import type { ResolvedFleet } from '../../shared/fleet/resolve';
import { HistoryStore } from '../../electron/core/history/historyStore';
import { StatusService } from '../../electron/core/status/statusService';
import type { ChildConfig, ChildCounters, ChildSummary, PrometheusCounts, SourceName } from './pollProtocol';
import { tunnelsThrough, type TunnelFor } from '../../electron/core/status/via';
import { HostKeyStore } from '../../electron/core/ssh/hostKeys';
import { SshPool } from '../../electron/core/ssh/pool';
import { LatencyLog, newCounters } from './pollCounters';

export class FleetdeckEngine {
  private readonly counters: ChildCounters = newCounters();
  private readonly latency = new LatencyLog();
  private readonly pollAt: number[] = [];
  private readonly pollMs: number[] = [];
  private service: StatusService | null = null;
  private history: HistoryStore | null = null;
  private readonly prometheus: PrometheusCounts = { reads: 0, problems: 0, hostsOk: 0, hostsMapped: 0, lastProblem: null };
  private readonly readAt: number[] = [];
  private readonly readMs: number[] = [];
  private pool: SshPool | null = null;
  private tunnelFor: TunnelFor | null = null;
  private batches = 0;
  private batchHosts = 0;

  constructor(
    private readonly config: ChildConfig,
    private readonly fleet: ResolvedFleet,
  ) {}

  async start(): Promise<void> {
    mkdirSync(this.config.dataDir, { recursive: true });
    // As the console opens it (electron/core/core.ts): the same store, in the child's data dir.
    if (this.config.history) {
      this.history = await HistoryStore.open(this.config.dataDir);
    }
    const snapshot: FleetSnapshot = {
      file: this.config.fleetFile,
      loadedAt: Date.now(),
      environments: this.fleet.environments,
      hosts: this.fleet.hosts,
      problem: null,
      revision: 1,
    };
    // Hosts behind a jump host are polled through it (`via: auto`), on one pooled SSH connection, as
    // the console does (electron/core/core.ts); the fleet file names the key and known_hosts.
    if (this.fleet.hosts.some((h) => h.jump)) {
      const lookup = (name: string) => this.fleet.hosts.find((h) => h.name === name);
      const pool = (this.pool = new SshPool({ lookup, hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(this.config.dataDir, 'host-keys.json') }), agent: null }));
      this.tunnelFor = tunnelsThrough((through, address, port) => pool.forwardOut(through, address, port), lookup);
    }
    this.service = new StatusService({
      history: this.history,
      tunnelFor: this.tunnelFor,
      fleet: { current: snapshot, onChange: () => ({ dispose: () => undefined }) },
      onPolled: (report) => {
        this.pollAt.push(Date.now());
        this.pollMs.push(report.durationMs);
        for (const source of report.sources) {
          if (source.kind !== 'monit' && source.kind !== 'node_exporter') continue;
          const counts = this.counters.polls[source.kind as SourceName];
          if (source.answered && source.latencyMs !== null) {
            counts.ok++;
            this.latency.add(source.kind, source.latencyMs);
          } else {
            counts.errors++;
            if (this.counters.errorSamples.length < 5 && !this.counters.errorSamples.includes(source.reason)) this.counters.errorSamples.push(source.reason);
          }
        }
      },
      onPrometheusPolled: (report) => {
        if (report.problem) {
          this.prometheus.problems++;
          this.prometheus.lastProblem = report.problem.message;
        }
        if (report.results.size === 0) return;
        this.prometheus.reads++;
        this.readAt.push(Date.now());
        this.readMs.push(report.durationMs);
        let ok = 0;
        for (const result of report.results.values()) if (result.checks[0]?.state === 'OK') ok++;
        this.prometheus.hostsOk = ok;
        this.prometheus.hostsMapped = report.results.size;
      },
    });
    // The renderer's subscription: count what would go over the transport.
    this.service.onBatch((batch) => {
      this.batches++;
      this.batchHosts += batch.hosts.length;
    });
  }

  snapshot(): ChildCounters {
    return {
      ...this.counters,
      at: Date.now(),
      polls: structuredClone(this.counters.polls),
      errorSamples: [...this.counters.errorSamples],
      cycles: this.pollMs.length,
      ...(this.prometheus.reads + this.prometheus.problems > 0 ? { prometheus: { ...this.prometheus } } : {}),
    };
  }

  summary(sinceMs: number): ChildSummary {
    const cycleMs = this.pollMs.filter((_, i) => (this.pollAt[i] as number) >= sinceMs);
    return {
      ...this.snapshot(),
      cycleMs,
      cycleWhat: "one host's poll: all its sources, from its slot (queue wait included) to the last answer parsed",
      latencyMs: this.latency.summary(sinceMs),
      extra: {
        ...(this.readMs.length
          ? { prometheus_read_ms: this.readMs.filter((_, i) => (this.readAt[i] as number) >= sinceMs).map((ms) => Math.round(ms * 10) / 10) }
          : {}),
        overruns: this.service?.stats.overruns ?? 0, batches: this.batches, hosts_per_batch: this.batches ? Math.round(this.batchHosts / this.batches) : 0 },
    };
  }

  async stop(): Promise<void> {
    this.service?.dispose();
    this.service = null;
    this.history?.dispose();
    this.history = null;
    this.pool?.dispose();
    this.pool = null;
  }
}
