// Small bookkeeping shared by the child's engines: poll counters and per-poll latencies, kept
// cheaply (two numbers a poll) so that measuring does not weigh on what is measured.
import { percentile, type ChildCounters, type ChildSummary, type SourceName } from './pollProtocol';

export function newCounters(): ChildCounters {
  return { at: Date.now(), polls: { monit: { ok: 0, errors: 0 }, node_exporter: { ok: 0, errors: 0 } }, errorSamples: [], cycles: 0 };
}

export class LatencyLog {
  private readonly at: Record<SourceName, number[]> = { monit: [], node_exporter: [] };
  private readonly ms: Record<SourceName, number[]> = { monit: [], node_exporter: [] };

  add(source: SourceName, ms: number): void {
    this.at[source].push(Date.now());
    this.ms[source].push(ms);
  }

  summary(sinceMs: number): ChildSummary['latencyMs'] {
    const out = {} as ChildSummary['latencyMs'];
    for (const source of ['monit', 'node_exporter'] as const) {
      const values = this.ms[source].filter((_, i) => (this.at[source][i] as number) >= sinceMs);
      out[source] = {
        p50: round(percentile(values, 50)),
        p99: round(percentile(values, 99)),
        max: round(values.reduce((a, b) => Math.max(a, b), 0)),
        n: values.length,
      };
    }
    return out;
  }
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : -1);
