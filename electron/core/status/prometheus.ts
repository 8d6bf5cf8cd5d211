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
  /** up, gauge:<family>, cpu, rx, tx, or query:<name> for the user's own. */
  id: string;
  promql: string;
}

/** A PromQL string literal: Go's double-quoted string, which JSON's escaping writes. */
function quote(value: string): string {
  return JSON.stringify(value);
}

const GAUGES = ['node_load1', 'node_load5', 'node_load15', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_boot_time_seconds', 'node_filesystem_size_bytes', 'node_filesystem_avail_bytes'];
/** The families that barely change: asked for on a full read only, the last answer kept between. */
const SLOW_GAUGES = new Set(['node_memory_MemTotal_bytes', 'node_boot_time_seconds', 'node_filesystem_size_bytes']);
/** Each gauge family and the id of its query. */
const GAUGE_QUERIES = GAUGES.map((name) => ({ name, id: `gauge:${name}` }));
/** The queries whose series a host reads a label of (mount point, device) besides the host's. */
export const LABELLED_QUERY_IDS: ReadonlySet<string> = new Set(['gauge:node_filesystem_size_bytes', 'gauge:node_filesystem_avail_bytes', 'rx', 'tx']);
/** The ids of the queries of the slow families. */
export const SLOW_QUERY_IDS: ReadonlySet<string> = new Set(GAUGE_QUERIES.filter(({ name }) => SLOW_GAUGES.has(name)).map(({ id }) => id));

/**
 * What one read asks for. `full` (the first read): every series. `fresh`: only the series of the
 * hosts Prometheus scraped since `since` (seconds, on Prometheus's clock), and not the families
 * that barely change: at a 30 s scrape interval a read every 10 s finds a third of the hosts
 * scraped anew, and the rest would only be parsed and mapped again to the same numbers.
 * `refresh` (once a minute): as fresh, with `up` and the slow families whole.
 */
export type ReadScope = { kind: 'full' } | { kind: 'fresh' | 'refresh'; since: number };
export const FULL_READ: ReadScope = { kind: 'full' };

/** Whether a read of this scope asks for every host's series of query `id` (the user's own always:
 * they may come from recording rules rather than scrapes). */
export function askedWhole(scope: ReadScope, id: string): boolean {
  if (scope.kind === 'full' || id.startsWith('query:')) return true;
  return scope.kind === 'refresh' && (id === 'up' || SLOW_QUERY_IDS.has(id));
}

/** The queries of one interval. The job, when set, narrows every built-in one. Each is grouped
 * down to the labels Fleetdeck reads (the host's label, and the metric name, mount point or
 * device where they matter): a whole fleet's answer is then about half the bytes to write,
 * send and parse of the series with all their labels. */
export function prometheusQueries(s: PrometheusSettings, scope: ReadScope = FULL_READ): PromQuery[] {
  const job = s.job === undefined ? '' : `job=${quote(s.job)}`;
  const window = `[${s.rate_window}]`;
  const pseudo = [...PSEUDO_FS].join('|');
  const matchers = (...more: string[]): string => {
    const list = [job, ...more].filter(Boolean);
    return list.length === 0 ? '' : `{${list.join(',')}}`;
  };
  const by = (...more: string[]): string => `by (${[s.label, ...more].join(', ')})`;
  const gauges = scope.kind === 'fresh' ? GAUGE_QUERIES.filter(({ name }) => !SLOW_GAUGES.has(name)) : GAUGE_QUERIES;
  const builtIn: PromQuery[] = [
    // A host scraped by two jobs (no `job` set) is up only when both scrapes are.
    { id: 'up', promql: `min ${by()} (up${matchers()})` },
    // One query per family rather than one for all: the name need not be in every series.
    ...gauges.map(({ name, id }) => ({
      id,
      promql: name.startsWith('node_filesystem_') ? `max ${by('mountpoint')} (${name}${matchers(`fstype!~${quote(pseudo)}`)})` : `max ${by()} (${name}${matchers()})`,
    })),
    { id: 'cpu', promql: `100 * (1 - avg ${by()} (rate(node_cpu_seconds_total${matchers('mode="idle"')}${window})))` },
    { id: 'rx', promql: `sum ${by('device')} (rate(node_network_receive_bytes_total${matchers('device!="lo"')}${window}))` },
    { id: 'tx', promql: `sum ${by('device')} (rate(node_network_transmit_bytes_total${matchers('device!="lo"')}${window}))` },
  ];
  // up's timestamp is when its scrape started. One selector more per query: adding the scrape's
  // duration to it (when its samples are in) cost Prometheus twice the selectors and the CPU.
  const scrapedSince = (q: PromQuery): PromQuery =>
    scope.kind === 'full' || askedWhole(scope, q.id) ? q : { id: q.id, promql: `(${q.promql}) and on (${s.label}) (timestamp(up${matchers()}) > ${scope.since})` };
  return [...builtIn.map(scrapedSince), ...s.queries.map((q) => ({ id: `query:${q.name}`, promql: q.query }))];
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

const ApiError = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string() });

// The answers hold a whole fleet (10,000 hosts are 100,000 series): they are checked by hand,
// in one pass, which cost a tenth of what the same checks written as a zod schema did.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A label set: an object whose every value is a string. */
function isLabels(value: unknown): value is Record<string, string> {
  if (!isRecord(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

/** The `data` of a successful answer, or null. */
function successData(raw: unknown): Record<string, unknown> | null {
  return isRecord(raw) && raw.status === 'success' && isRecord(raw.data) ? raw.data : null;
}

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
  return parseInstant(body, what).series;
}

/** An instant query's series, and the time Prometheus evaluated it at (seconds on its own clock;
 * null when no series says). */
export function parseInstant(body: string, what: string): { series: PromSample[]; at: number | null } {
  const raw = json(body, what);
  const data = successData(raw);
  if (data && typeof data.resultType === 'string' && data.resultType !== 'vector') throw new ParseError(`${what}: the query gives a ${data.resultType}, not one value per host`);
  const result = data?.result;
  if (!Array.isArray(result)) throw refused(raw, what);
  const series: PromSample[] = new Array(result.length);
  let at: number | null = null;
  for (let i = 0; i < result.length; i++) {
    const r: unknown = result[i];
    const value = isRecord(r) ? r.value : undefined;
    if (!isRecord(r) || !isLabels(r.metric) || !Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'number' || typeof value[1] !== 'string') throw refused(raw, what);
    series[i] = { metric: r.metric, value: promNumber(value[1]) };
    at = value[0];
  }
  return { series, at };
}

export interface PromTarget {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

export function parseTargets(body: string): PromTarget[] {
  const raw = json(body, 'targets');
  const active = successData(raw)?.activeTargets;
  if (!Array.isArray(active)) throw refused(raw, 'targets');
  return active.map((t: unknown) => {
    if (!isRecord(t) || !isLabels(t.labels) || typeof t.health !== 'string' || typeof t.lastError !== 'string') throw refused(raw, 'targets');
    return { labels: t.labels, health: t.health, lastError: t.lastError };
  });
}

/** What each host is found by: the value its series carry in the settings' label. */
export interface HostKey {
  host: string;
  key: string;
}

/** One host's series by query id, from the latest answers that had them (none: no record). */
export type HostSeries = Readonly<Record<string, readonly PromSample[]>>;
/** A host's series by its key. */
export type SeriesOf = (key: string) => HostSeries | undefined;

/** Each query's series by the value of `label`: one pass over each answer, not one per host. */
export function byKey(series: readonly PromSample[] | undefined, label: string): Map<string, PromSample[]> {
  const map = new Map<string, PromSample[]>();
  for (const s of series ?? []) {
    if (!Object.hasOwn(s.metric, label)) continue;
    const key = s.metric[label] as string;
    const list = map.get(key);
    if (list) list.push(s);
    else map.set(key, [s]);
  }
  return map;
}

/** The hosts' checks and samples from what the reads have told (`seriesOf`). */
export function prometheusResults(
  hosts: readonly HostKey[],
  seriesOf: SeriesOf,
  targets: readonly PromTarget[],
  s: PrometheusSettings,
  now: number,
): Map<string, SourceResult> {
  const targetsByKey = new Map<string, PromTarget>();
  for (const t of targets) {
    const key = t.labels[s.label];
    if (key !== undefined && (s.job === undefined || t.labels.job === s.job)) targetsByKey.set(key, t);
  }
  const results = new Map<string, SourceResult>();
  for (const { host, key } of hosts) {
    // One lookup per host, then one per query: a read maps thousands of hosts.
    const series = seriesOf(key);
    const of = (id: string): readonly PromSample[] => series?.[id] ?? [];
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
  of: (id: string) => readonly PromSample[],
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
  const thresholds = { diskWarnPct: s.disk_warn, diskCritPct: s.disk_crit, memWarnPct: s.mem_warn, memCritPct: s.mem_crit };
  const { checks: nodeChecks, samples: nodeValues } = nodeSamples(null, scrapeOf(of, now), thresholds);
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
function scrapeOf(of: (id: string) => readonly PromSample[], now: number): NodeScrape {
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
    series: 0,
  };
  for (const { name, id } of GAUGE_QUERIES) {
    for (const { metric, value } of of(id)) {
      scrape.series++;
      putSample(scrape, name, value, { label: (key) => (Object.hasOwn(metric, key) ? metric[key] : undefined) });
    }
  }
  return scrape;
}
