import type { Host } from '../../../shared/fleet/model';
import type { Check, CheckState, Sample, SourceKind, SourceResult } from '../../../shared/status/model';
import { SOURCE_SETTINGS, type SourceSettings } from '../../../shared/status/sourceSettings';
import type { Via } from '../../../shared/fleet/via';
import { GetFailure, httpGet, type GetFailureKind } from '../http/httpGet';
import type { TunnelFor } from './via';

export type { TunnelFor } from './via';
import type { BodySink } from '../http/httpResponse';
import { plural } from '../../../shared/text';
import { ownString } from './ownString';
import { parseHaproxyCsv, type HaproxyServer } from './sources/haproxy';
import { httpCheck } from './sources/http';
import { parseMonit } from './sources/monit';
import { CounterMemory, nodeSamples, NodeExporterReader } from './sources/nodeExporter';
import { ParseError } from '../common/parseError';
import { parseSshProbe, SSH_PROBE_COMMAND } from './sources/sshProbe';

// A probe polls one status source of one host: it reads the source's settings from the fleet
// file, fetches, parses, and always comes back with a SourceResult, never an exception. Every
// probe reports an "endpoint" check of its own, so a source that stops answering is a state
// change (and its recovery too), while the checks it reported before are dropped until it is back.

export interface ProbeOutcome {
  result: SourceResult;
  /** False when the host could not be reached at all: the scheduler backs off. */
  reachable: boolean;
  /** HAProxy's view of its backend servers, for marking those hosts too. */
  servers?: HaproxyServer[];
}

export interface Probe {
  readonly kind: SourceKind;
  /** Attempts before a problem is hard. */
  readonly maxAttempts: number;
  poll(timeoutMs: number, signal: AbortSignal): Promise<ProbeOutcome>;
}

/** Runs a command on a host over the pooled SSH connection (the SSH probe's transport). */
export type SshExec = (host: string, command: string, timeoutMs: number, signal: AbortSignal) => Promise<{ code: number | null; stdout: string }>;

export interface ProbeContext {
  sshExec: SshExec | null;
  /** Without it every request goes direct. */
  tunnelFor?: TunnelFor | null;
  /** Cap on a status answer's size. */
  maxBytes: number;
}

export const DEFAULT_MAX_BYTES = 4 << 20;

/** The check that says whether the source answered at all. */
export function endpointCheckId(kind: SourceKind): string {
  if (kind === 'node_exporter') return 'node_exporter:scrape';
  if (kind === 'http') return 'http:health';
  return `${kind}:endpoint`;
}

const SOURCE_NAMES: Record<SourceKind, string> = { monit: 'Monit', node_exporter: 'node_exporter', http: 'health URL', haproxy: 'HAProxy stats', ssh: 'SSH probe', prometheus: 'Prometheus' };

/** `{address}` in a URL stands for the host's address. */
export function expandUrl(template: string, host: Host): string {
  const address = host.address.includes(':') ? `[${host.address}]` : host.address;
  return template.replaceAll('{address}', address).replaceAll('{name}', host.name);
}

/** Whether a `status:` entry is a Prometheus, which is asked for the whole fleet at once
 * (prometheusPoller.ts), not polled per host. */
export function isPrometheusSource(source: Host['status'][number]): boolean {
  return Object.keys(source)[0] === 'prometheus';
}

/** The probes of a host's `status:` list; a source whose settings are wrong becomes a probe that says so. */
export function probesFor(host: Host, context: ProbeContext): Probe[] {
  return host.status.filter((source) => !isPrometheusSource(source)).map((source) => {
    const [kind, raw] = Object.entries(source)[0] as [SourceKind, unknown];
    const parsed = SOURCE_SETTINGS[kind]?.safeParse(raw ?? {});
    if (!parsed || !parsed.success) {
      const problem = parsed ? parsed.error.issues.map((i) => `${i.path.join('.') || kind}: ${i.message}`).join('; ') : `unknown source "${kind}"`;
      return brokenSettings(kind, `the fleet file's ${kind} settings for ${host.name} are wrong: ${problem}`);
    }
    switch (kind) {
      case 'monit':
        return monitProbe(host, parsed.data as SourceSettings<'monit'>, context);
      case 'node_exporter':
        return nodeExporterProbe(host, parsed.data as SourceSettings<'node_exporter'>, context);
      case 'http':
        return httpProbe(host, parsed.data as SourceSettings<'http'>, context);
      case 'haproxy':
        return haproxyProbe(host, parsed.data as SourceSettings<'haproxy'>, context);
      case 'ssh':
        return sshProbe(host, parsed.data as SourceSettings<'ssh'>, context);
      default:
        return brokenSettings(kind, `${kind} is not polled per host`);
    }
  });
}

function brokenSettings(kind: SourceKind, reason: string): Probe {
  return {
    kind,
    maxAttempts: 1,
    poll: async () => ({ reachable: true, result: { checks: [endpoint(kind, 'UNKNOWN', reason)], samples: [] } }),
  };
}

function endpoint(kind: SourceKind, state: CheckState, reason: string): Check {
  return { id: endpointCheckId(kind), source: kind, name: SOURCE_NAMES[kind], state, reason };
}

/** Timeouts and refusals are CRITICAL (the service is down); answers we cannot read are UNKNOWN. */
const UNREACHABLE: ReadonlySet<GetFailureKind> = new Set(['timeout', 'refused', 'unreachable', 'closed']);

function failed(kind: SourceKind, error: unknown): ProbeOutcome {
  if (error instanceof GetFailure) {
    const down = UNREACHABLE.has(error.kind);
    return { reachable: !down, result: { checks: [endpoint(kind, down ? 'CRITICAL' : 'UNKNOWN', error.message)], samples: [] } };
  }
  const message = error instanceof ParseError ? error.message : `could not read the answer: ${(error as Error).message}`;
  return { reachable: true, result: { checks: [endpoint(kind, 'UNKNOWN', message)], samples: [] } };
}

/** Each source's latency sample, named once (a new string each poll was one more to hash). */
const LATENCY_METRICS = Object.fromEntries(Object.keys(SOURCE_NAMES).map((kind) => [kind, `latency_ms:${endpointCheckId(kind as SourceKind)}`])) as Record<SourceKind, string>;

/** The result as the service keeps it: the source's own endpoint check first (unless it reported
 * one), its latency as a sample, and every string in memory of its own, so that keeping the result
 * does not keep the answer. HostHealth owns what it keeps too; copying everything here as well,
 * while the answer is young, still measured better (0.26 against 0.51 MB/s promoted without it). */
function answered(kind: SourceKind, result: SourceResult, latencyMs: number, what: string): SourceResult {
  const own = endpointCheckId(kind);
  // The latency is a sample (and a graph), not part of the reason: a reason that changed with
  // every poll made every host "changed" in every batch and a new check to keep each time.
  const checks: Check[] = result.checks.some((c) => c.id === own) ? [] : [endpoint(kind, 'OK', what)];
  for (const c of result.checks) checks.push({ ...c, id: ownString(c.id), name: ownString(c.name), reason: ownString(c.reason) });
  const samples: Sample[] = [];
  for (const s of result.samples) samples.push({ metric: ownString(s.metric), value: s.value });
  samples.push({ metric: LATENCY_METRICS[kind], value: latencyMs });
  return { checks, samples };
}

function auth(user: string | undefined, password: string | undefined): string | undefined {
  return user === undefined ? undefined : `${user}:${password ?? ''}`;
}

/** How one poll reads its answer: from the text of the body, or from a sink that took its bytes. */
interface Reading {
  sink?: BodySink;
  read(body: string): Omit<ProbeOutcome, 'reachable'> & { what: string };
}

/** A source read with one GET: fetch, check the status code, parse, report. */
function fetchingProbe(
  kind: SourceKind,
  url: string,
  s: { attempts: number; via?: Via },
  host: Host,
  context: ProbeContext,
  credentials: string | undefined,
  reading: () => Reading,
): Probe {
  const label = SOURCE_NAMES[kind];
  const attempts = s.attempts;
  const tunnel = context.tunnelFor?.(host, s.via) ?? null;
  return {
    kind,
    maxAttempts: attempts,
    async poll(timeoutMs, signal) {
      try {
        const { sink, read } = reading();
        // Monit writes ISO-8859-1; the other sources UTF-8.
        const answer = await httpGet(url, { timeoutMs, maxBytes: context.maxBytes, auth: credentials, signal, encoding: kind === 'monit' ? 'latin1' : 'utf8', sink, tunnel });
        if (answer.status !== 200) throw new ParseError(`${label} answered HTTP ${answer.status} at ${url}`);
        const { result, servers, what } = read(answer.body);
        return { reachable: true, servers, result: answered(kind, result, answer.latencyMs, what) };
      } catch (error) {
        return failed(kind, error);
      }
    },
  };
}

function monitProbe(host: Host, s: SourceSettings<'monit'>, context: ProbeContext): Probe {
  const url = expandUrl(`${s.https ? 'https' : 'http'}://{address}:${s.port}${s.path}`, host);
  return fetchingProbe('monit', url, s, host, context, auth(s.user, s.password), () => ({
    read: (body) => {
      const result = parseMonit(body);
      return { result, what: `answered with ${result.checks.length} services` };
    },
  }));
}

function nodeExporterProbe(host: Host, s: SourceSettings<'node_exporter'>, context: ProbeContext): Probe {
  const url = expandUrl(`http://{address}:${s.port}${s.path}`, host);
  const limits = { diskWarnPct: s.disk_warn, diskCritPct: s.disk_crit, memWarnPct: s.mem_warn, memCritPct: s.mem_crit };
  let previous: CounterMemory | null = null;
  return fetchingProbe('node_exporter', url, s, host, context, undefined, () => {
    // Read as it arrives: the answer never becomes one string.
    const reader = new NodeExporterReader();
    return {
      sink: reader,
      read: () => {
        const scrape = reader.end();
        const result = nodeSamples(previous, scrape, limits);
        (previous ??= new CounterMemory()).remember(scrape);
        return { result, what: '' };
      },
    };
  });
}

function haproxyProbe(host: Host, s: SourceSettings<'haproxy'>, context: ProbeContext): Probe {
  return fetchingProbe('haproxy', expandUrl(s.url, host), s, host, context, auth(s.user, s.password), () => ({
    read: (body) => {
      const { result, servers } = parseHaproxyCsv(body);
      return { result, servers, what: `answered with ${plural(servers.length, 'server')}` };
    },
  }));
}

function httpProbe(host: Host, s: SourceSettings<'http'>, context: ProbeContext): Probe {
  const url = expandUrl(s.url, host);
  const tunnel = context.tunnelFor?.(host, s.via) ?? null;
  return {
    kind: 'http',
    maxAttempts: s.attempts,
    async poll(timeoutMs, signal) {
      try {
        // A health URL's status code is the answer, 401 included; only the body is capped small.
        const answer = await httpGet(url, { timeoutMs, maxBytes: Math.min(context.maxBytes, 1 << 20), signal, tunnel }).catch((error: unknown) => {
          if (error instanceof GetFailure && error.kind === 'auth') return { status: 401, body: '', latencyMs: 0 };
          throw error;
        });
        const result = httpCheck(
          { status: answer.status, latencyMs: answer.latencyMs, body: answer.body },
          { url, expect: s.expect, match: s.match, warnMs: s.warn_ms, critMs: s.crit_ms },
        );
        return { reachable: true, result: answered('http', result, answer.latencyMs, '') };
      } catch (error) {
        return failed('http', error);
      }
    },
  };
}

function sshProbe(host: Host, s: SourceSettings<'ssh'>, context: ProbeContext): Probe {
  const limits = { diskWarnPct: s.disk_warn, diskCritPct: s.disk_crit, memWarnPct: s.mem_warn, memCritPct: s.mem_crit };
  return {
    kind: 'ssh',
    maxAttempts: s.attempts,
    async poll(timeoutMs, signal) {
      if (!context.sshExec) {
        return { reachable: true, result: { checks: [endpoint('ssh', 'UNKNOWN', 'the SSH probe needs an SSH connection, which this console has not set up')], samples: [] } };
      }
      const started = performance.now();
      try {
        const { code, stdout } = await context.sshExec(host.name, SSH_PROBE_COMMAND, timeoutMs, signal);
        if (code !== 0) throw new ParseError(`the probe command exited with ${code}`);
        return { reachable: true, result: answered('ssh', parseSshProbe(stdout, limits), performance.now() - started, 'answered') };
      } catch (error) {
        if (error instanceof ParseError) return failed('ssh', error);
        return { reachable: false, result: { checks: [endpoint('ssh', 'CRITICAL', (error as Error).message)], samples: [] } };
      }
    },
  };
}
