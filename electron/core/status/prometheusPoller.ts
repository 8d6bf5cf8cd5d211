import type { Disposable } from '../../../shared/disposable';
import type { Host } from '../../../shared/fleet/model';
import type { SourceResult } from '../../../shared/status/model';
import type { SourceProblem } from '../../../shared/status/schema';
import { SOURCE_SETTINGS, type PrometheusTlsSettings } from '../../../shared/status/sourceSettings';
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { expandHome } from '../ssh/identity';
import type { TlsSettings } from '../http/httpConnections';
import { GetFailure, httpGet } from '../http/httpGet';
import { expandUrl, isPrometheusSource } from './probes';
import { pollTimeout } from './scheduler';
import { ParseError } from '../common/parseError';
import { parseInstant, parseTargets, prometheusQueries, prometheusResults, type HostKey, type PrometheusSettings, type PromTarget } from './prometheus';
import { PrometheusReads, type InstantAnswer } from './prometheusReads';

// Asks each Prometheus of the fleet file, once an interval, for the whole fleet: its handful of
// queries and its targets, in parallel; between full reads, only for the hosts scraped since the
// last read (prometheusReads.ts). The hosts that name the same Prometheus with the same
// settings are one group and one set of queries, however many they are. A Prometheus that is
// down, slow, refuses the credentials or answers an error is one problem of the source, told
// once; its hosts keep their last checks and go stale, rather than each turning red with it.

/** One answer holds a whole fleet's series (about 1 kB a host for the gauges): the cap of a
 * host's answer would stop at a few thousand hosts. */
const PROMETHEUS_MAX_BYTES = 64 << 20;

export interface PrometheusReport {
  /** The checks and samples of each host that Prometheus scraped since the last read (every host
   * after a full read); empty when the Prometheus gave no answer. */
  results: Map<string, SourceResult>;
  /** Every host the answer covers: those without a result have nothing new, and are fresh still. */
  answered: readonly string[];
  maxAttempts: number;
  /** The source's problem, or null when it answered. */
  problem: SourceProblem | null;
  /** Identifies the group (its settings), for keeping its problem until it is gone. */
  group: string;
  /** From the first request sent to the last answer read and mapped to hosts (0 when a group goes). */
  durationMs: number;
}

interface Group {
  settings: PrometheusSettings;
  hosts: HostKey[];
  reads: PrometheusReads;
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
      if (next && next.intervalMs === group.intervalMs) {
        if (JSON.stringify(next.hosts) !== JSON.stringify(group.hosts)) group.reads.forgetAll();
        group.hosts = next.hosts;
      } else {
        this.stop(group);
        this.groups.delete(key);
        // Its problem goes with it.
        if (group.since !== null) this.report({ results: new Map(), answered: [], maxAttempts: 1, problem: null, group: key, durationMs: 0 });
      }
    }
    for (const [key, next] of wanted) {
      if (this.groups.has(key)) continue;
      const stopped = new AbortController();
      // Each of the interval's dozen requests listens to it (Node warns past ten).
      setMaxListeners(100, stopped.signal);
      const reads = new PrometheusReads(next.settings.label);
      const group: Group = { ...next, reads, inFlight: false, stopped, since: null, timer: setInterval(() => void this.poll(key, group), next.intervalMs) };
      this.groups.set(key, group);
      void this.poll(key, group);
    }
  }

  private async poll(key: string, group: Group): Promise<void> {
    if (group.inFlight || group.stopped.signal.aborted) return;
    group.inFlight = true;
    const started = performance.now();
    const s = group.settings;
    try {
      const timeoutMs = pollTimeout(group.intervalMs);
      let access: ReturnType<typeof prometheusAccess>;
      try {
        access = prometheusAccess(s);
      } catch (error) {
        this.problem(key, group, describe(error), performance.now() - started);
        return;
      }
      const get = (path: string): Promise<string> => this.get(`${s.url.replace(/\/+$/, '')}${path}`, access, timeoutMs, group.stopped.signal);
      const scope = group.reads.scope(Date.now());
      const queries = prometheusQueries(s, scope);
      const answers = await Promise.allSettled(queries.map((q) => get(`/api/v1/query?query=${encodeURIComponent(q.promql)}`).then((body) => parseInstant(body, q.id))));
      if (group.stopped.signal.aborted) return;
      // The built-in queries are the source; a query of the user's that fails is a problem of
      // the source too, but the rest of the answers still count.
      const down = answers.find((a, i): a is PromiseRejectedResult => a.status === 'rejected' && !queries[i]!.id.startsWith('query:'));
      if (down) {
        this.problem(key, group, describe(down.reason), performance.now() - started);
        return;
      }
      const taken = new Map<string, InstantAnswer>();
      answers.forEach((a, i) => a.status === 'fulfilled' && taken.set(queries[i]!.id, a.value));
      const changed = group.reads.take(scope, taken, Date.now());
      // The targets say why a host is not up; with every host up they are not needed (at 10,000
      // hosts they are megabytes of JSON, more than all the queries).
      let targets: PromTarget[] = [];
      if (!group.reads.everyHostUp(group.hosts)) {
        try {
          targets = parseTargets(await get('/api/v1/targets?state=active'));
        } catch (error) {
          if (!group.stopped.signal.aborted) this.problem(key, group, describe(error), performance.now() - started);
          return;
        }
        if (group.stopped.signal.aborted) return;
      }
      const userFailure = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      const hosts = changed === 'all' ? group.hosts : group.hosts.filter((h) => changed.has(h.key));
      const results = prometheusResults(hosts, group.reads.seriesOf, targets, s, Date.now());
      const problem = userFailure ? this.problemOf(group, describe(userFailure.reason)) : null;
      if (!problem) group.since = null;
      const answered = group.hosts.map((h) => h.host);
      this.report({ results, answered, maxAttempts: s.attempts, problem, group: key, durationMs: performance.now() - started });
    } finally {
      group.inFlight = false;
    }
  }

  private problemOf(group: Group, message: string): SourceProblem {
    group.since ??= Date.now();
    return { source: 'prometheus', url: group.settings.url, message, since: group.since, hosts: group.hosts.length };
  }

  private problem(key: string, group: Group, message: string, durationMs: number): void {
    this.report({ results: new Map(), answered: [], maxAttempts: group.settings.attempts, problem: this.problemOf(group, message), group: key, durationMs });
  }

  private async get(url: string, access: ReturnType<typeof prometheusAccess>, timeoutMs: number, signal: AbortSignal): Promise<string> {
    const answer = await httpGet(url, { timeoutMs, maxBytes: Math.max(this.maxBytes, PROMETHEUS_MAX_BYTES), ...access, signal });
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

/** The credentials and certificate checks of every request to a Prometheus (status, graphs).
 * The files are read each time, so a renewed certificate is used without a restart. An https
 * Prometheus is always checked (against the system's CAs without tls.ca_file) unless
 * tls.insecure_skip_verify says not to: the requests carry its credentials. */
export function prometheusAccess(s: PrometheusSettings): { auth?: string; tls: TlsSettings } {
  return { auth: s.auth ? `${s.auth.user}:${s.auth.password}` : undefined, tls: tlsSettings(s.tls) };
}

/** A Prometheus's `tls` (source or import) as the HTTP client takes it, its files read now. */
export function tlsSettings(t: PrometheusTlsSettings | undefined): TlsSettings {
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(expandHome(file));
    } catch (error) {
      throw new ParseError(`cannot read tls.${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  return {
    verify: !(t?.insecure_skip_verify ?? false),
    ca: read(t?.ca_file, 'ca_file'),
    cert: read(t?.cert_file, 'cert_file'),
    key: read(t?.key_file, 'key_file'),
    servername: t?.server_name,
    id: JSON.stringify(t ?? null),
  };
}

function describe(error: unknown): string {
  if (error instanceof GetFailure || error instanceof ParseError) return error.message;
  return `could not read the answer: ${(error as Error).message}`;
}
