import { z } from 'zod';
import type { Check, Sample, SourceResult } from '../../../shared/status/model';
import type { SourceSettings } from '../../../shared/status/sourceSettings';
import { PSEUDO_FS } from '../../../shared/status/filesystems';
import { nodeSamples, putSample, type NodeScrape } from './sources/nodeExporter';
import { ParseError } from '../common/parseError';

// A Prometheus that already scrapes the fleet, read as a status source: a handful of instant
// queries for the whole fleet at once (never one per host), and its targets for why a scrape
// fails. Pure functions here: the queries from the settings, the answers checked, the answers
// mapped to hosts by a label; prometheusPoller.ts does the asking.

export type PrometheusSettings = SourceSettings<'prometheus'>;

export interface PromQuery {
  /** up, gauges, cpu, rx, tx, or query:<name> for the user's own. */
  id: string;
  promql: string;
}

/** A PromQL string literal: Go's double-quoted string, which JSON's escaping writes. */
function quote(value: string): string {
  return JSON.stringify(value);
}

const GAUGES = ['node_load1', 'node_load5', 'node_load15', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_boot_time_seconds', 'node_filesystem_size_bytes', 'node_filesystem_avail_bytes'];

/** The queries of one interval. The job, when set, narrows every built-in one. */
export function prometheusQueries(s: PrometheusSettings): PromQuery[] {
  const job = s.job === undefined ? '' : `job=${quote(s.job)}`;
  const by = `by (${s.label})`;
  const window = `[${s.rate_window}]`;
  const pseudo = [...PSEUDO_FS].join('|');
  const matchers = (...more: string[]): string => {
    const list = [job, ...more].filter(Boolean);
    return list.length === 0 ? '' : `{${list.join(',')}}`;
  };
  return [
    { id: 'up', promql: `up${matchers()}` },
    { id: 'gauges', promql: `${matchers(`__name__=~${quote(GAUGES.join('|'))}`, `fstype!~${quote(pseudo)}`)}` },
    { id: 'cpu', promql: `100 * (1 - avg ${by} (rate(node_cpu_seconds_total${matchers('mode="idle"')}${window})))` },
    { id: 'rx', promql: `rate(node_network_receive_bytes_total${matchers('device!="lo"')}${window})` },
    { id: 'tx', promql: `rate(node_network_transmit_bytes_total${matchers('device!="lo"')}${window})` },
    ...s.queries.map((q) => ({ id: `query:${q.name}`, promql: q.query })),
  ];
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

const ApiError = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string() });
const VectorAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});
const TargetsAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ activeTargets: z.array(z.object({ labels: z.record(z.string(), z.string()), health: z.string(), lastError: z.string() })) }),
});

/** Prometheus's JSON writes values as strings, the special ones as +Inf, -Inf and NaN. */
function promNumber(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return text === 'NaN' ? NaN : Number(text);
}

function json(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new ParseError(`${what}: the answer is not JSON (is the URL a Prometheus?)`);
  }
}

/** An API answer that is not a success: Prometheus's own error when it gave one. */
function refused(raw: unknown, what: string): ParseError {
  const error = ApiError.safeParse(raw);
  return new ParseError(error.success ? `${what}: Prometheus answered ${error.data.errorType ?? 'an error'}: ${error.data.error.slice(0, 300)}` : `${what}: not the answer of a Prometheus API`);
}

/** The series of an instant query's answer (a vector; a scalar or a matrix is refused). */
export function parseVector(body: string, what: string): PromSample[] {
  const raw = json(body, what);
  const answer = VectorAnswer.safeParse(raw);
  if (!answer.success) {
    const resultType = (raw as { data?: { resultType?: unknown } } | null)?.data?.resultType;
    if (typeof resultType === 'string' && resultType !== 'vector') throw new ParseError(`${what}: the query gives a ${resultType}, not one value per host`);
    throw refused(raw, what);
  }
  return answer.data.data.result.map((r) => ({ metric: r.metric, value: promNumber(r.value[1]) }));
}

export interface PromTarget {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

export function parseTargets(body: string): PromTarget[] {
  const raw = json(body, 'targets');
  const answer = TargetsAnswer.safeParse(raw);
  if (!answer.success) throw refused(raw, 'targets');
  return answer.data.data.activeTargets;
}

/** What each host is found by: the value its series carry in the settings' label. */
export interface HostKey {
  host: string;
  key: string;
}

/** Each query's series by the value of `label`: one pass over each answer, not one per host. */
function byKey(series: readonly PromSample[] | undefined, label: string): Map<string, PromSample[]> {
  const map = new Map<string, PromSample[]>();
  for (const s of series ?? []) {
    const key = s.metric[label];
    if (key === undefined) continue;
    const list = map.get(key);
    if (list) list.push(s);
    else map.set(key, [s]);
  }
  return map;
}

/** Every host's checks and samples from the answers of one interval. */
export function prometheusResults(
  hosts: readonly HostKey[],
  answers: ReadonlyMap<string, readonly PromSample[]>,
  targets: readonly PromTarget[],
  s: PrometheusSettings,
  now: number,
): Map<string, SourceResult> {
  const indexed = new Map<string, Map<string, PromSample[]>>();
  for (const [id, series] of answers) indexed.set(id, byKey(series, s.label));
  const targetsByKey = new Map<string, PromTarget>();
  for (const t of targets) {
    const key = t.labels[s.label];
    if (key !== undefined && (s.job === undefined || t.labels.job === s.job)) targetsByKey.set(key, t);
  }
  const results = new Map<string, SourceResult>();
  for (const { host, key } of hosts) {
    const of = (id: string): PromSample[] => indexed.get(id)?.get(key) ?? [];
    results.set(host, hostResult(host, key, of, targetsByKey.get(key), s, now));
  }
  return results;
}

function targetCheck(state: Check['state'], reason: string): Check {
  return { id: 'prometheus:target', source: 'prometheus', name: 'Prometheus target', state, reason };
}

function hostResult(
  host: string,
  key: string,
  of: (id: string) => PromSample[],
  target: PromTarget | undefined,
  s: PrometheusSettings,
  now: number,
): SourceResult {
  const up = of('up');
  const looked = `${s.label}=${quote(key)}${s.job === undefined ? '' : ` in job ${quote(s.job)}`}`;
  if (up.length === 0 && !target) return { checks: [targetCheck('UNKNOWN', `Prometheus has no target for ${host} (looked for ${looked})`)], samples: [] };
  if (up.length === 0 || up.some((u) => u.value !== 1)) {
    const why = target?.lastError || (target?.health === 'unknown' ? 'not scraped yet' : 'up is 0');
    return { checks: [targetCheck(up.length === 0 ? 'UNKNOWN' : 'CRITICAL', `Prometheus cannot scrape ${key}: ${why}`)], samples: [] };
  }
  const checks: Check[] = [targetCheck('OK', `scraped by Prometheus (${looked})`)];
  const samples: Sample[] = [];
  const { checks: nodeChecks, samples: nodeValues } = nodeSamples(null, scrapeOf(of('gauges'), now), { diskWarnPct: s.disk_warn, diskCritPct: s.disk_crit, memWarnPct: s.mem_warn, memCritPct: s.mem_crit });
  // The same checks and metric names as when node_exporter is polled directly: the host's
  // graphs and history go on whichever way its numbers come.
  for (const c of nodeChecks) if (c.id !== 'node_exporter:scrape') checks.push({ ...c, id: c.id.replace('node_exporter:', 'prometheus:'), source: 'prometheus' });
  samples.push(...nodeValues);
  const cpu = of('cpu')[0]?.value;
  if (cpu !== undefined && cpu >= 0 && cpu <= 100) samples.push({ metric: 'cpu_pct', value: cpu });
  for (const [id, metric] of [['rx', 'net_rx_bps'], ['tx', 'net_tx_bps']] as const) {
    for (const r of of(id)) if (r.metric.device && Number.isFinite(r.value) && r.value >= 0) samples.push({ metric: `${metric}:${r.metric.device}`, value: r.value });
  }
  for (const q of s.queries) {
    const value = of(`query:${q.name}`)[0]?.value;
    if (value === undefined) continue;
    checks.push(queryCheck(q, value));
    if (Number.isFinite(value)) samples.push({ metric: q.name, value });
  }
  return { checks, samples };
}

function queryCheck(q: PrometheusSettings['queries'][number], value: number): Check {
  const base = { id: `prometheus:query:${q.name}`, source: 'prometheus' as const, name: q.name };
  if (Number.isNaN(value)) return { ...base, state: 'UNKNOWN', reason: `${q.name} is NaN` };
  const state = q.crit !== undefined && value > q.crit ? 'CRITICAL' : q.warn !== undefined && value > q.warn ? 'WARNING' : 'OK';
  const limit = state === 'CRITICAL' ? ` (critical above ${q.crit})` : state === 'WARNING' ? ` (warning above ${q.warn})` : '';
  return { ...base, state, reason: `${q.name} is ${value}${limit}` };
}

/** The gauges of one host as the node_exporter reader would have read them. */
function scrapeOf(gauges: readonly PromSample[], now: number): NodeScrape {
  const scrape: NodeScrape = {
    time: now / 1000,
    bootTime: null,
    cpuIdle: 0,
    cpuAll: 0,
    load1: null,
    load5: null,
    load15: null,
    memTotal: null,
    memAvailable: null,
    fsSize: new Map(),
    fsAvail: new Map(),
    rx: new Map(),
    tx: new Map(),
    series: gauges.length,
  };
  for (const { metric, value } of gauges) {
    const name = metric.__name__;
    if (name !== undefined && GAUGES.includes(name)) putSample(scrape, name, value, { label: (key) => (Object.hasOwn(metric, key) ? metric[key] : undefined) });
  }
  return scrape;
}
