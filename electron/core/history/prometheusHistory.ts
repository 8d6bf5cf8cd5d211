import { z } from 'zod';
import type { Series, SeriesQuery } from '../../../shared/status/schema';
import { HISTORY_RANGE_S } from '../../../shared/status/schema';
import type { PrometheusSettings } from '../status/prometheus';
import { isShownFilesystem } from '../../../shared/status/filesystems';
import { ParseError } from '../common/parseError';

// A host's graphs read from the Prometheus that scrapes it, with the metric names and the
// [t, avg, min, max] points the SQLite history gives, so the renderer draws them the same way.
// Each metric is one query_range whose step grows with the span (a fixed number of points), and
// each point is the avg/min/max of a subquery of ten evaluations: 30 days cost what one hour does.
// Pure functions here: the queries, the answers checked; hostHistory.ts does the asking.

/** Evaluations of a metric inside each point, for its min and max. */
const EVALUATIONS_PER_POINT = 10;

/** A PromQL string literal (Go's double-quoted string, which JSON's escaping writes). */
const quote = (value: string): string => JSON.stringify(value);

/** The one host's series: the job, when set, and the host's value of the settings' label. */
function selector(s: PrometheusSettings, key: string, ...more: string[]): string {
  return `{${[...(s.job === undefined ? [] : [`job=${quote(s.job)}`]), `${s.label}=${quote(key)}`, ...more].join(',')}}`;
}

/** The PromQL of one of the host's metrics (as statusService names them), or null if Prometheus has none. */
export function metricPromql(metric: string, s: PrometheusSettings, key: string): string | null {
  const sel = (...more: string[]): string => selector(s, key, ...more);
  const [name, part] = metric.includes(':') ? [metric.slice(0, metric.indexOf(':')), metric.slice(metric.indexOf(':') + 1)] : [metric, ''];
  const window = `[${s.rate_window}]`;
  switch (name) {
    case 'load1':
    case 'load5':
    case 'load15':
      return `node_${name}${sel()}`;
    case 'uptime_s':
      return `time() - node_boot_time_seconds${sel()}`;
    case 'mem_used_pct':
      return `100 * (1 - node_memory_MemAvailable_bytes${sel()} / node_memory_MemTotal_bytes${sel()})`;
    case 'cpu_pct':
      return `100 * (1 - avg(rate(node_cpu_seconds_total${sel('mode="idle"')}${window})))`;
    case 'disk_used_pct':
      return `100 * (1 - node_filesystem_avail_bytes${sel(`mountpoint=${quote(part)}`)} / node_filesystem_size_bytes${sel(`mountpoint=${quote(part)}`)})`;
    case 'net_rx_bps':
      return `rate(node_network_receive_bytes_total${sel(`device=${quote(part)}`)}${window})`;
    case 'net_tx_bps':
      return `rate(node_network_transmit_bytes_total${sel(`device=${quote(part)}`)}${window})`;
  }
  // A query of the user's own: its series of this host only (its label set to the host's key).
  const own = s.queries.find((q) => q.name === metric);
  if (own) return `(${own.query}) and on(${s.label}) label_replace(vector(1), ${quote(s.label)}, ${quote(key)}, "", "")`;
  return null;
}

export interface RangeRequest {
  metric: string;
  /** The whole query_range expression: the metric's avg, min and max per step, told apart by an `agg` label. */
  promql: string;
  startS: number;
  endS: number;
  stepS: number;
}

/** The range queries of a graph: the step is the span over the points the graph can draw. */
export function rangeRequests(q: SeriesQuery, s: PrometheusSettings, key: string, nowMs: number): { metric: string; request: RangeRequest | null }[] {
  const rangeS = HISTORY_RANGE_S[q.range];
  const stepS = Math.max(1, Math.ceil(rangeS / q.points));
  // Aligned to the step, so a refresh draws the same points and only adds the newest.
  const endS = Math.floor(nowMs / 1000 / stepS) * stepS;
  const startS = endS - Math.floor(rangeS / stepS) * stepS;
  const resolutionS = Math.max(1, Math.ceil(stepS / EVALUATIONS_PER_POINT));
  return q.metrics.map((metric) => {
    const expr = metricPromql(metric, s, key);
    if (expr === null) return { metric, request: null };
    const over = (agg: 'avg' | 'min' | 'max'): string => `label_replace(${agg}_over_time((avg(${expr}))[${stepS}s:${resolutionS}s]), "agg", "${agg}", "", "")`;
    return { metric, request: { metric, promql: `${over('avg')} or ${over('min')} or ${over('max')}`, startS, endS, stepS } };
  });
}

export function rangeUrl(base: string, r: RangeRequest): string {
  return `${base.replace(/\/+$/, '')}/api/v1/query_range?query=${encodeURIComponent(r.promql)}&start=${r.startS}&end=${r.endS}&step=${r.stepS}`;
}

const ApiError = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string() });
const MatrixAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    // avg, min and max: three series at most, each at most one value per step.
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])).max(11_000) })).max(3),
  }),
});

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new ParseError(`${what}: the answer is not JSON (is the URL a Prometheus?)`);
  }
}

/** A query_range answer as the graph's points: [t ms at the step's start, avg, min, max], oldest first. */
export function parseRange(body: string, r: RangeRequest): Series {
  const raw = parseJson(body, r.metric);
  const answer = MatrixAnswer.safeParse(raw);
  if (!answer.success) {
    const error = ApiError.safeParse(raw);
    throw new ParseError(error.success ? `${r.metric}: Prometheus answered ${error.data.errorType ?? 'an error'}: ${error.data.error.slice(0, 300)}` : `${r.metric}: not a range query's answer`);
  }
  const byAgg = new Map<string, Map<number, number>>();
  for (const series of answer.data.data.result) {
    const values = new Map<number, number>();
    for (const [t, v] of series.values) {
      const value = Number(v);
      if (Number.isFinite(value) && t >= r.startS && t <= r.endS) values.set(t, value);
    }
    byAgg.set(series.metric.agg ?? '', values);
  }
  const avg = byAgg.get('avg') ?? new Map<number, number>();
  const points: Series['points'] = [];
  for (const [t, a] of avg) points.push([(t - r.stepS) * 1000, a, byAgg.get('min')?.get(t) ?? a, byAgg.get('max')?.get(t) ?? a]);
  points.sort((x, y) => x[0] - y[0]);
  return { metric: r.metric, points };
}

const SeriesAnswer = z.object({ status: z.literal('success'), data: z.array(z.record(z.string(), z.string())).max(10_000) });

/** The host's series in Prometheus (the node_exporter families Fleetdeck reads). */
export function seriesUrl(s: PrometheusSettings, key: string, nowMs: number, lookbackS: number): string {
  const names = ['node_load1', 'node_load5', 'node_load15', 'node_boot_time_seconds', 'node_memory_MemTotal_bytes', 'node_cpu_seconds_total', 'node_filesystem_size_bytes', 'node_network_receive_bytes_total', 'node_network_transmit_bytes_total'];
  const match = selector(s, key, `__name__=~${quote(names.join('|'))}`, 'mode=~"idle|"');
  const endS = Math.floor(nowMs / 1000);
  return `${s.url.replace(/\/+$/, '')}/api/v1/series?match[]=${encodeURIComponent(match)}&start=${endS - lookbackS}&end=${endS}`;
}

/** The metric names of the host's graphs, from its series in Prometheus, and the user's queries. */
export function parseMetricNames(body: string, s: PrometheusSettings): string[] {
  const answer = SeriesAnswer.safeParse(parseJson(body, 'series'));
  if (!answer.success) throw new ParseError('series: not the answer of a Prometheus API');
  const names = new Set<string>();
  const simple: Record<string, string> = { node_load1: 'load1', node_load5: 'load5', node_load15: 'load15', node_boot_time_seconds: 'uptime_s', node_memory_MemTotal_bytes: 'mem_used_pct', node_cpu_seconds_total: 'cpu_pct' };
  for (const labels of answer.data.data) {
    const name = labels.__name__ ?? '';
    if (Object.hasOwn(simple, name)) names.add(simple[name]!);
    else if (name === 'node_filesystem_size_bytes' && labels.mountpoint && isShownFilesystem(labels.fstype, labels.mountpoint)) names.add(`disk_used_pct:${labels.mountpoint}`);
    else if (name.startsWith('node_network_') && labels.device && labels.device !== 'lo') names.add(`${name.includes('receive') ? 'net_rx_bps' : 'net_tx_bps'}:${labels.device}`);
  }
  for (const q of s.queries) names.add(q.name);
  return [...names].sort();
}
