import type { Host } from '../../../shared/fleet/model';
import type { Series, SeriesQuery } from '../../../shared/status/schema';
import { SOURCE_SETTINGS } from '../../../shared/status/sourceSettings';
import { GetFailure, httpGet } from '../http/httpGet';
import { expandUrl, isPrometheusSource } from '../status/probes';
import { ParseError } from '../common/parseError';
import type { PrometheusSettings } from '../status/prometheus';
import type { HistoryStore } from './historyStore';
import { parseMetricNames, parseRange, rangeRequests, rangeUrl, seriesUrl } from './prometheusHistory';

// Where a host's graphs come from: the Prometheus of its `prometheus` status source (whose
// samples the console does not store again), or else the console's own SQLite history.

/** A host's metrics over a range and the metrics it has, wherever they are kept. */
export interface HistorySource {
  series(q: SeriesQuery): Promise<Series[]>;
  metrics(host: string): Promise<string[]>;
}

/** Why a graph has no data: said on the graph, and the console goes on. */
export class HistoryUnavailable extends Error {
  constructor(
    message: string,
    readonly hint = 'Live status still works; the graphs come back when the history answers again.',
  ) {
    super(message);
  }
}

/** A graph's answer is at most 3 series of 4,000 points (~100 kB); more is not a Prometheus answering it. */
const MAX_ANSWER_BYTES = 4 << 20;
const TIMEOUT_MS = 15_000;
/** How far back the metrics of a host's graphs are looked for (the longest range). */
const METRICS_LOOKBACK_S = 30 * 86400;

export class HostHistory implements HistorySource {
  constructor(
    private readonly options: {
      hosts: () => readonly Host[];
      store: HistoryStore | null;
      whyMissing: string | null;
      now?: () => number;
    },
  ) {}

  async series(q: SeriesQuery): Promise<Series[]> {
    const prometheus = this.prometheusOf(q.host);
    if (prometheus) return this.fromPrometheus(q, prometheus.settings, prometheus.key);
    if (!this.options.store) throw new HistoryUnavailable(`No history: ${this.options.whyMissing ?? 'the history database is not open'}`, 'Live status still works; fix or move the history file and restart Fleetdeck.');
    return this.options.store.series(q);
  }

  async metrics(host: string): Promise<string[]> {
    const prometheus = this.prometheusOf(host);
    if (!prometheus) return this.options.store?.metrics(host) ?? [];
    const { settings, key } = prometheus;
    const body = await this.get(seriesUrl(settings, key, this.now(), METRICS_LOOKBACK_S), settings);
    const own = this.options.store?.metrics(host) ?? [];
    return [...new Set([...parseMetricNames(body, settings), ...own])].sort();
  }

  /** The settings of the host's first prometheus source, and the host's value of its label. */
  private prometheusOf(name: string): { settings: PrometheusSettings; key: string } | null {
    const host = this.options.hosts().find((h) => h.name === name);
    const source = host?.status.find(isPrometheusSource);
    if (!host || !source) return null;
    const parsed = SOURCE_SETTINGS.prometheus.safeParse((source as { prometheus: unknown }).prometheus ?? {});
    // Wrong settings were reported when the fleet file was loaded; the graphs say so too.
    if (!parsed.success) throw new HistoryUnavailable(`${name}'s prometheus source has wrong settings: see the fleet file's problems`);
    return { settings: parsed.data, key: expandUrl(parsed.data.instance, host) };
  }

  private async fromPrometheus(q: SeriesQuery, s: PrometheusSettings, key: string): Promise<Series[]> {
    const requests = rangeRequests(q, s, key, this.now());
    // What Prometheus does not hold (a health URL's or Monit's latency, from the host's other
    // sources) is in the console's own history.
    const own = (metric: string): Series => this.options.store?.series({ ...q, metrics: [metric] })[0] ?? { metric, points: [] };
    return Promise.all(requests.map(async ({ metric, request }) => (request ? parseRange(await this.get(rangeUrl(s.url, request), s), request) : own(metric))));
  }

  private async get(url: string, s: PrometheusSettings): Promise<string> {
    const auth = s.auth ? `${s.auth.user}:${s.auth.password}` : undefined;
    try {
      const answer = await httpGet(url, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES, auth });
      // A bad query is HTTP 400 with Prometheus's error in JSON: the parse says it.
      if (answer.status !== 200 && answer.status !== 400 && answer.status !== 422 && answer.status !== 503) throw new ParseError(`answered HTTP ${answer.status}`);
      return answer.body;
    } catch (error) {
      if (error instanceof GetFailure || error instanceof ParseError) throw new HistoryUnavailable(`Prometheus at ${s.url}: ${error.message}`);
      throw error;
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
