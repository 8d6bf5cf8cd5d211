import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { HostStatus, StatusEvent } from '../../../shared/status/schema';
import { Badge } from '../../parts/Badge';
import { formatClock, since } from '../../parts/format';
import { loadHostEvents, loadStoredMetrics } from '../../state/historyActions';
import { useAppStore, useClient } from '../../state/react';
import { mergeEvents } from '../../state/status';
import { EventTable } from '../EventTable';
import type { ChartSpec } from './MetricChart';
import type { HistoryRange } from './useSeries';

// One host: who it is, its current checks with their reasons and since when, its history as
// graphs over a chosen range, and its state changes, and "Open shell".

const RANGES: readonly HistoryRange[] = ['1h', '6h', '24h', '7d', '30d'];

// The graphs' library is a third of the page's script: loaded when a host page first shows, not
// before the map's first frame (docs/benchmarks.md, "The cluster map").
const MetricChart = lazy(() => import('./MetricChart').then((m) => ({ default: m.MetricChart })));

/** The graphs of a host that has these metrics (live or in its history). */
export function chartSpecs(metrics: Iterable<string>): ChartSpec[] {
  const keys = [...new Set(metrics)].sort();
  const having = (prefix: string, limit: number) => keys.filter((k) => k.startsWith(prefix)).slice(0, limit);
  const specs: ChartSpec[] = [
    { title: 'CPU', metrics: ['cpu_pct'], unit: '%', max: 100 },
    { title: 'Load', metrics: ['load1', 'load5', 'load15'], unit: '', label: (m) => m },
    { title: 'Memory', metrics: ['mem_used_pct', ...having('swap_used_pct', 1)], unit: '% used', max: 100, label: (m) => (m.startsWith('swap') ? 'swap' : 'memory') },
  ];
  const disks = having('disk_used_pct:', 5);
  if (disks.length > 0) specs.push({ title: 'Disk', metrics: disks, unit: '% used', max: 100 });
  const net = [...having('net_rx_bps:', 2), ...having('net_tx_bps:', 2)];
  if (net.length > 0) specs.push({ title: 'Network', metrics: net, unit: 'bytes/s', label: (m) => `${m.startsWith('net_rx') ? 'in' : 'out'} ${m.split(':')[1]}` });
  const latency = having('latency_ms:', 5);
  if (latency.length > 0) specs.push({ title: 'Check latency', metrics: latency, unit: 'ms' });
  return specs;
}

/** The metrics the history holds for a host, asked again when the host's live metrics change. */
function useStoredMetrics(host: string, liveKey: string): readonly string[] {
  const client = useClient();
  const [stored, setStored] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    loadStoredMetrics(client, host).then(
      (metrics) => live && setStored(metrics),
      () => undefined, // no history: the graphs say so themselves
    );
    return () => {
      live = false;
    };
  }, [client, host, liveKey]);
  return stored;
}

export function HostView({ name }: { name: string }): ReactNode {
  const host = useAppStore((s) => s.snapshot?.hosts.find((h) => h.name === name) ?? null);
  const status = useAppStore((s) => s.statuses[name]);
  const showHost = useAppStore((s) => s.showHost);
  const openTerminal = useAppStore((s) => s.openTerminal);
  const [range, setRange] = useState<HistoryRange>('1h');
  const metricKey = Object.keys(status?.latest ?? {}).sort().join(',');
  const stored = useStoredMetrics(name, metricKey);
  // The graphs depend on which metrics exist, now or in the history (a host that stopped
  // answering has no latest samples, and its graphs are what the operator wants to see), not on
  // their latest values.
  const specs = useMemo(() => chartSpecs([...metricKey.split(',').filter(Boolean), ...stored]), [metricKey, stored]);
  return (
    <div className="host-view" data-testid="host-view" data-host={name}>
      <header className="view-header host-header">
        <button type="button" className="button" data-testid="host-back" onClick={() => showHost(null)}>
          ← Fleet
        </button>
        <h1>{name}</h1>
        <StateBadge status={status} />
        {host ? (
          <span className="muted mono">
            {host.user}@{host.address}:{host.port}
          </span>
        ) : (
          <span className="muted">no longer in the fleet file</span>
        )}
        {host ? (
          <span className="host-header-tags">
            <Badge>{host.environment}</Badge>
            {host.roles.map((r) => (
              <Badge key={r}>{r}</Badge>
            ))}
            {Object.entries(host.labels).map(([k, v]) => (
              <Badge key={k} mono tone="accent">
                {k}={v}
              </Badge>
            ))}
          </span>
        ) : null}
        <span className="host-actions">
          <button type="button" className="button" data-testid="open-shell" onClick={() => openTerminal(name)}>
            Open shell
          </button>
        </span>
      </header>
      <p className="host-summary" data-testid="host-summary">
        {status ? status.summary : 'Not polled yet.'}
        {status?.lastPoll ? <span className="muted"> · last poll {formatClock(status.lastPoll)}</span> : null}
        {status?.stale ? <strong className="state-text state-unknown"> · stale: no fresh data for three intervals</strong> : null}
      </p>
      <CheckTable status={status} />
      <section className="host-graphs" aria-label="History">
        <div className="range-picker" role="group" aria-label="Range">
          {RANGES.map((r) => (
            <button key={r} type="button" className="button" data-testid={`range-${r}`} aria-pressed={r === range} onClick={() => setRange(r)}>
              {r}
            </button>
          ))}
        </div>
        <div className="chart-grid">
          <Suspense fallback={<p className="muted">Loading the graphs…</p>}>
            {specs.map((spec) => (
              <MetricChart key={spec.title} host={name} spec={spec} range={range} />
            ))}
          </Suspense>
        </div>
      </section>
      <HostTimeline name={name} />
    </div>
  );
}

function StateBadge({ status }: { status: HostStatus | undefined }): ReactNode {
  const state = status?.state ?? 'PENDING';
  return (
    <span className={`state-badge state-${state.toLowerCase()}`} data-testid="host-state">
      {state}
      {status && !status.hard ? ' (soft)' : ''}
    </span>
  );
}

function CheckTable({ status }: { status: HostStatus | undefined }): ReactNode {
  if (!status || status.checks.length === 0) return <p className="muted">No checks yet.</p>;
  return (
    <table className="checks" data-testid="check-table">
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Check</th>
          <th scope="col">Reason</th>
          <th scope="col">Since</th>
          <th scope="col">Attempt</th>
        </tr>
      </thead>
      <tbody>
        {status.checks.map((c) => (
          <tr key={c.id} data-testid="check-row" data-check={c.id} data-state={c.state}>
            <td>
              <span className={`state-dot state-${c.state.toLowerCase()}`} aria-hidden="true" /> {c.state}
              {c.flapping ? <Badge tone="warning">flapping</Badge> : null}
            </td>
            <td>{c.name}</td>
            <td className="check-reason">{c.reason}</td>
            <td title={new Date(c.since).toLocaleString()}>{since(c.since)}</td>
            <td>{c.state === 'OK' ? '' : `${c.attempt}/${c.maxAttempts} ${c.hard ? 'hard' : 'soft'}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HostTimeline({ name }: { name: string }): ReactNode {
  const client = useClient();
  const live = useAppStore((s) => s.events);
  const [loaded, setLoaded] = useState<StatusEvent[]>([]);
  useEffect(() => {
    let on = true;
    loadHostEvents(client, name).then((events) => on && setLoaded(events), () => undefined);
    return () => {
      on = false;
    };
  }, [client, name]);
  const events = useMemo(() => mergeEvents(loaded, live.filter((e) => e.host === name)), [loaded, live, name]);
  return (
    <section className="host-timeline" aria-label="State changes" data-testid="host-timeline">
      <h2>State changes</h2>
      {events.length === 0 ? <p className="muted">None recorded.</p> : null}
      {events.length > 0 ? <EventTable events={events.slice(0, 100)} rowTestId="timeline-event" /> : null}
    </section>
  );
}
