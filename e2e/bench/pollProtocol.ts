// What the bench and its Fleetdeck child say to each other over the IPC channel. The child is
// asked for its counters at the moments the bench also reads /proc, so CPU and poll counts cover
// the same window. Counters are cumulative since the child started polling.

export type SourceName = 'monit' | 'node_exporter';

export interface ChildConfig {
  engine: 'fleetdeck' | 'raw';
  fleetFile: string;
  hosts: number;
  intervalMs: number;
  /** The child exits by itself after this long, whatever happens to the bench. */
  maxRunMs: number;
  /** Directory for the child's scratch files (history database). */
  dataDir: string;
  /** Write samples and events to a history store in dataDir, as the console does. */
  history: boolean;
}

export interface SourceCounts {
  ok: number;
  errors: number;
}

export interface ChildCounters {
  at: number;
  polls: Record<SourceName, SourceCounts>;
  /** A few distinct error messages, for the report. */
  errorSamples: string[];
  /** Number of full poll cycles completed so far (when the engine knows). */
  cycles: number;
  /** The Prometheus sources' whole-fleet reads, when the fleet has one. */
  prometheus?: PrometheusCounts;
}

export interface PrometheusCounts {
  /** Reads that answered, and that were a problem of the source. */
  reads: number;
  problems: number;
  /** Hosts whose target check was OK at the last read, of the hosts it mapped. */
  hostsOk: number;
  hostsMapped: number;
  lastProblem: string | null;
}

export interface ChildSummary extends ChildCounters {
  /** Durations (ms) of the full cycles seen, in order; empty when the engine has none. */
  cycleMs: number[];
  /** What a "cycle" means for this engine, in words for the report. */
  cycleWhat: string;
  /** Per-poll latency percentiles (ms) by source: request sent → response handled. */
  latencyMs: Record<SourceName, { p50: number; p99: number; max: number; n: number }>;
  /** Anything else the engine can tell (e.g. the status service's own numbers). */
  extra: Record<string, unknown>;
}

/** cpu: where the time goes; heap: which allocations reach the old generation. */
export type ProfileKind = 'cpu' | 'heap';

export type ParentMessage =
  | { type: 'counters'; id: number }
  | { type: 'summary'; id: number; sinceMs: number }
  /** V8's sampling profiler (node:inspector) for the measured window only, written to `file`. */
  | { type: 'profile-start'; id: number; kind: ProfileKind }
  | { type: 'profile-stop'; id: number; file: string }
  | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; hosts: number }
  | { type: 'counters'; id: number; counters: ChildCounters }
  | { type: 'summary'; id: number; summary: ChildSummary }
  | { type: 'done'; id: number; error: string | null }
  | { type: 'fatal'; message: string };

/** Nearest-rank percentile of an unsorted list; NaN for an empty one. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
