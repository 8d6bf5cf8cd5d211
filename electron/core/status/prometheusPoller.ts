import type { Disposable } from '../../../shared/disposable';
import type { Host } from '../../../shared/fleet/model';
import type { SourceResult } from '../../../shared/status/model';
import type { SourceProblem } from '../../../shared/status/schema';
import { SOURCE_SETTINGS } from '../../../shared/status/sourceSettings';
import { GetFailure, httpGet } from '../http/httpGet';
import { expandUrl, isPrometheusSource } from './probes';
import { pollTimeout } from './scheduler';
import { ParseError } from '../common/parseError';
import { parseTargets, parseVector, prometheusQueries, prometheusResults, type HostKey, type PrometheusSettings, type PromSample } from './prometheus';

// Asks each Prometheus of the fleet file, once an interval, for the whole fleet: its handful of
// queries and its targets, in parallel. The hosts that name the same Prometheus with the same
// settings are one group and one set of queries, however many they are. A Prometheus that is
// down, slow, refuses the credentials or answers an error is one problem of the source, told
// once; its hosts keep their last checks and go stale, rather than each turning red with it.

/** One answer holds a whole fleet's series (about 1 kB a host for the gauges): the cap of a
 * host's answer would stop at a few thousand hosts. */
const PROMETHEUS_MAX_BYTES = 64 << 20;

export interface PrometheusReport {
  /** Each host's checks and samples; empty when the Prometheus gave no answer. */
  results: Map<string, SourceResult>;
  maxAttempts: number;
  /** The source's problem, or null when it answered. */
  problem: SourceProblem | null;
  /** Identifies the group (its settings), for keeping its problem until it is gone. */
  group: string;
}

interface Group {
  settings: PrometheusSettings;
  hosts: HostKey[];
  intervalMs: number;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  stopped: AbortController;
  since: number | null;
}

export class PrometheusPoller implements Disposable {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly report: (report: PrometheusReport) => void,
    private readonly maxBytes: number,
  ) {}

  /** Follows the fleet: a group per distinct settings, polled at its hosts' shortest interval. */
  sync(hosts: readonly Host[]): void {
    const wanted = new Map<string, { settings: PrometheusSettings; hosts: HostKey[]; intervalMs: number }>();
    for (const host of hosts) {
      for (const source of host.status) {
        if (!isPrometheusSource(source)) continue;
        const parsed = SOURCE_SETTINGS.prometheus.safeParse((source as { prometheus: unknown }).prometheus ?? {});
        // The fleet file's loading has reported wrong settings already, with their line.
        if (!parsed.success) continue;
        const key = JSON.stringify(parsed.data);
        const group = wanted.get(key) ?? { settings: parsed.data, hosts: [], intervalMs: host.intervalMs };
        group.hosts.push({ host: host.name, key: expandUrl(parsed.data.instance, host) });
        group.intervalMs = Math.min(group.intervalMs, host.intervalMs);
        wanted.set(key, group);
      }
    }
    for (const [key, group] of this.groups) {
      const next = wanted.get(key);
      if (next && next.intervalMs === group.intervalMs) group.hosts = next.hosts;
      else {
        this.stop(group);
        this.groups.delete(key);
        // Its problem goes with it.
        if (group.since !== null) this.report({ results: new Map(), maxAttempts: 1, problem: null, group: key });
      }
    }
    for (const [key, next] of wanted) {
      if (this.groups.has(key)) continue;
      const group: Group = {
        ...next,
        inFlight: false,
        stopped: new AbortController(),
        since: null,
        timer: setInterval(() => void this.poll(key, group), next.intervalMs),
      };
      this.groups.set(key, group);
      void this.poll(key, group);
    }
  }

  private async poll(key: string, group: Group): Promise<void> {
    if (group.inFlight || group.stopped.signal.aborted) return;
    group.inFlight = true;
    const s = group.settings;
    try {
      const timeoutMs = pollTimeout(group.intervalMs);
      const get = (path: string): Promise<string> => this.get(`${s.url.replace(/\/+$/, '')}${path}`, s, timeoutMs, group.stopped.signal);
      const queries = prometheusQueries(s);
      const [targets, ...answers] = await Promise.allSettled([
        get('/api/v1/targets?state=active').then(parseTargets),
        ...queries.map((q) => get(`/api/v1/query?query=${encodeURIComponent(q.promql)}`).then((body) => parseVector(body, q.id))),
      ]);
      if (group.stopped.signal.aborted) return;
      // The built-in queries and the targets are the source; a query of the user's that fails
      // is a problem of the source too, but the rest of the answers still count.
      const builtIn = [targets, ...answers.filter((_, i) => !queries[i]!.id.startsWith('query:'))];
      const down = builtIn.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      if (down || targets.status === 'rejected') {
        this.problem(key, group, describe(down?.reason));
        return;
      }
      const userFailure = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      const byId = new Map<string, readonly PromSample[]>();
      answers.forEach((a, i) => byId.set(queries[i]!.id, a.status === 'fulfilled' ? a.value : []));
      const results = prometheusResults(group.hosts, byId, targets.value, s, Date.now());
      const problem = userFailure ? this.problemOf(group, describe(userFailure.reason)) : null;
      if (!problem) group.since = null;
      this.report({ results, maxAttempts: s.attempts, problem, group: key });
    } finally {
      group.inFlight = false;
    }
  }

  private problemOf(group: Group, message: string): SourceProblem {
    group.since ??= Date.now();
    return { source: 'prometheus', url: group.settings.url, message, since: group.since, hosts: group.hosts.length };
  }

  private problem(key: string, group: Group, message: string): void {
    this.report({ results: new Map(), maxAttempts: group.settings.attempts, problem: this.problemOf(group, message), group: key });
  }

  private async get(url: string, s: PrometheusSettings, timeoutMs: number, signal: AbortSignal): Promise<string> {
    const auth = s.auth ? `${s.auth.user}:${s.auth.password}` : undefined;
    const answer = await httpGet(url, { timeoutMs, maxBytes: Math.max(this.maxBytes, PROMETHEUS_MAX_BYTES), auth, signal });
    // A bad query is HTTP 400 with Prometheus's error in JSON: the parse says it.
    if (answer.status === 400 || answer.status === 422 || answer.status === 503) return answer.body;
    if (answer.status !== 200) throw new ParseError(`answered HTTP ${answer.status} at ${url.split('?')[0]}`);
    return answer.body;
  }

  private stop(group: Group): void {
    clearInterval(group.timer);
    group.stopped.abort();
  }

  dispose(): void {
    for (const group of this.groups.values()) this.stop(group);
    this.groups.clear();
  }
}

function describe(error: unknown): string {
  if (error instanceof GetFailure || error instanceof ParseError) return error.message;
  return `could not read the answer: ${(error as Error).message}`;
}
