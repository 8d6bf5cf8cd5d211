import type { Disposable } from '../../../shared/disposable';
import type { FleetSnapshot, Host } from '../../../shared/fleet/model';
import type { Check, Sample } from '../../../shared/status/model';
import type { HostStatus, SourceProblem, StatusBatch, StatusEvent } from '../../../shared/status/schema';
import { tuneHeapForPolling } from './heapTuning';
import { closeIdleSockets } from '../http/httpGet';
import { HostHealth, type Reported } from './hostHealth';
import { DEFAULT_MAX_BYTES, endpointCheckId, isPrometheusSource, probesFor, type Probe, type ProbeOutcome, type SshExec, type TunnelFor } from './probes';
import { PrometheusPoller, type PrometheusReport } from './prometheusPoller';
import { Semaphore } from '../common/semaphore';
import { backoffDelay, nextSlot, phaseOf, pollTimeout, TickWheel } from './scheduler';
import type { HaproxyServer } from './sources/haproxy';
import { StatusRecorder, type StatusHistory } from './statusRecorder';

export type { StatusHistory };

// Polls every host of the fleet and keeps its health. Owns the poll timer and the in-flight
// requests; hands batches of changed hosts to listeners a few times a second, and samples and
// events to the history once per flush (one transaction), so neither the renderer nor SQLite
// sees one message per check.

export interface FleetSource {
  readonly current: FleetSnapshot;
  onChange(listener: (snapshot: FleetSnapshot) => void): Disposable;
}

export interface StatusServiceOptions {
  fleet: FleetSource;
  history?: StatusHistory | null;
  sshExec?: SshExec | null;
  /** How requests reach hosts whose `via` is not direct (via.ts); without it all go direct. */
  tunnelFor?: TunnelFor | null;
  /** Polls running at once (default 64). */
  concurrency?: number;
  /** How often changes go out (default 500 ms: "a few per second"). */
  flushMs?: number;
  maxBytes?: number;
  random?: () => number;
  /** Told of every finished poll (benchmarks, diagnostics). */
  onPolled?: (report: PollReport) => void;
  /** Told of every answer (or problem) of a Prometheus source, for the whole fleet at once. */
  onPrometheusPolled?: (report: PrometheusReport) => void;
}

export interface PollReport {
  host: string;
  /** From the poll's turn (queue wait included) to its last answer. */
  durationMs: number;
  sources: Array<{ kind: Probe['kind']; answered: boolean; latencyMs: number | null; reason: string }>;
}

interface Entry {
  host: Host;
  config: string;
  probes: Probe[];
  health: HostHealth;
  phase: number;
  /** A poll is running. */
  inFlight: boolean;
  /** Aborted when the host leaves the fleet or changes: its polls stop, and it polls no more.
   * One per host, not one per poll: an AbortSignal is a heavy object to make 100 times a second. */
  stopped: AbortController;
  /** Settles when the poll in flight has its answers (checkNow waits for it). It holds no value:
   * it lives until the next poll, and holding the answers kept every poll's results alive for
   * an interval, most of what V8 had to promote (docs/benchmarks.md, "Polling"). */
  settled: Promise<void>;
  failures: number;
  stale: boolean;
  /** Hosts whose checks this load balancer set at its last poll. */
  lbTargets: Set<string>;
}

export class StatusService implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private removed: string[] = [];
  private readonly batchListeners = new Set<(batch: StatusBatch) => void>();
  /** The events and samples of the polls, for the history and the events view. */
  private readonly recorder: StatusRecorder;
  private readonly semaphore: Semaphore;
  /** When each host polls next: one timer for the fleet. */
  private readonly wheel = new TickWheel<Entry>((entry) => void this.poll(entry));
  private readonly flushTimer: NodeJS.Timeout;
  private readonly fleetSubscription: Disposable;
  /** Problems the history says were open when the console last stopped, by host: each host's
   * health starts from them, so a recovery while the console was away is still an event. */
  private readonly leftOpen: Map<string, StatusEvent[]>;
  private readonly random: () => number;
  /** The Prometheus sources, asked for the whole fleet at once, and their problems by group. */
  private readonly prometheus: PrometheusPoller;
  private readonly sourceProblems = new Map<string, SourceProblem>();
  private problemsChanged = false;
  private disposed = false;
  /** Counters for the benchmark and the status bar. */
  readonly stats = { polls: 0, overruns: 0, cycleMs: [] as number[] };

  constructor(private readonly options: StatusServiceOptions) {
    tuneHeapForPolling();
    this.recorder = new StatusRecorder(options.history ?? null);
    this.leftOpen = this.recorder.openProblems();
    this.random = options.random ?? Math.random;
    this.semaphore = new Semaphore(options.concurrency ?? 64);
    this.flushTimer = setInterval(() => this.flush(), options.flushMs ?? 500);
    this.prometheus = new PrometheusPoller((report) => this.recordPrometheus(report), options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.fleetSubscription = options.fleet.onChange((snapshot) => this.sync(snapshot));
    this.sync(options.fleet.current);
  }

  onBatch(listener: (batch: StatusBatch) => void): Disposable {
    this.batchListeners.add(listener);
    return { dispose: () => this.batchListeners.delete(listener) };
  }

  onEvent(listener: (event: StatusEvent) => void): Disposable {
    return this.recorder.onEvent(listener);
  }

  /** Every host's status now: what a new subscriber gets first. */
  snapshot(): StatusBatch {
    const now = Date.now();
    return {
      full: true,
      at: now,
      hosts: [...this.entries.values()].map((e) => e.health.status(now)),
      removed: [],
      problems: [...this.sourceProblems.values()],
    };
  }

  host(name: string): HostStatus | null {
    return this.entries.get(name)?.health.status(Date.now()) ?? null;
  }

  events(q: { host?: string; limit: number }): StatusEvent[] {
    return this.recorder.events(q);
  }

  /** Poll a host now (the host view's "check now"). */
  pollNow(name: string): void {
    const entry = this.entries.get(name);
    if (entry && !entry.inFlight) this.schedule(entry, Date.now());
  }

  /** Polls a host at once and gives its fresh status (a deploy's gate after a restart); null when
   * the host has no status sources. A poll already running is waited for, then a new one runs. */
  async checkNow(name: string): Promise<HostStatus | null> {
    const entry = this.entries.get(name);
    if (!entry || entry.probes.length === 0) return null;
    while (entry.inFlight) await entry.settled;
    await this.poll(entry);
    return this.host(name);
  }

  private sync(snapshot: FleetSnapshot): void {
    if (this.disposed) return;
    const names = new Set<string>();
    for (const host of snapshot.hosts) {
      names.add(host.name);
      const config = JSON.stringify([host.address, host.port, host.intervalMs, host.status]);
      const entry = this.entries.get(host.name);
      if (entry && entry.config === config) {
        entry.host = host;
        continue;
      }
      if (entry) this.stop(entry);
      // A host that no longer reads a Prometheus drops the checks it gave.
      if (entry && !host.status.some(isPrometheusSource)) this.recorder.addEvents(entry.health.apply('prometheus', [], Date.now(), false));
      // A changed host keeps its health (no storm of events on every edit of the file).
      const health =
        entry && (entry.host.status.length > 0) === (host.status.length > 0)
          ? entry.health
          : new HostHealth(host.name, host.intervalMs, host.status.length > 0);
      if (!entry) health.resume(this.leftOpen.get(host.name) ?? []);
      this.leftOpen.delete(host.name);
      health.intervalMs = host.intervalMs;
      const fresh: Entry = {
        host,
        config,
        probes: probesFor(host, {
          sshExec: this.options.sshExec ?? null,
          tunnelFor: this.options.tunnelFor ?? null,
          maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
        }),
        health,
        phase: phaseOf(host.name, host.intervalMs),
        inFlight: false,
        stopped: new AbortController(),
        settled: Promise.resolve(),
        failures: 0,
        stale: false,
        lbTargets: new Set(),
      };
      this.entries.set(host.name, fresh);
      this.dirty.add(host.name);
      if (fresh.probes.length > 0) this.schedule(fresh, nextSlot(Date.now(), host.intervalMs, fresh.phase));
    }
    this.prometheus.sync(snapshot.hosts);
    for (const [name, entry] of this.entries) {
      if (names.has(name)) continue;
      this.stop(entry);
      this.entries.delete(name);
      this.dirty.delete(name);
      this.removed.push(name);
    }
  }

  private schedule(entry: Entry, at: number): void {
    this.wheel.schedule(entry, at);
  }

  private stop(entry: Entry): void {
    this.wheel.cancel(entry);
    entry.stopped.abort();
  }

  private async poll(entry: Entry): Promise<void> {
    if (entry.inFlight) {
      this.stats.overruns++;
      return;
    }
    const { signal } = entry.stopped;
    if (signal.aborted) return;
    entry.inFlight = true;
    const timeoutMs = pollTimeout(entry.host.intervalMs);
    const started = performance.now();
    let outcomes: ProbeOutcome[];
    try {
      const answers = this.semaphore.run(() => Promise.all(entry.probes.map((probe) => probe.poll(timeoutMs, signal))));
      entry.settled = answers.then(ignore, ignore);
      outcomes = await answers;
    } finally {
      entry.inFlight = false;
    }
    // A host removed or changed while its poll ran: this entry is gone, drop the answer.
    if (signal.aborted || this.disposed || this.entries.get(entry.host.name) !== entry) return;
    this.stats.polls++;
    this.stats.cycleMs.push(performance.now() - started);
    if (this.stats.cycleMs.length > 10_000) this.stats.cycleMs.splice(0, 5_000);

    const now = Date.now();
    this.record(entry, outcomes, now);
    this.options.onPolled?.(pollReport(entry, outcomes, performance.now() - started));
    const reachable = outcomes.some((o) => o.reachable);
    entry.failures = reachable ? 0 : entry.failures + 1;
    const next = reachable
      ? nextSlot(now, entry.host.intervalMs, entry.phase)
      : now + backoffDelay(entry.failures, entry.host.intervalMs, this.random);
    this.schedule(entry, next);
  }

  private record(entry: Entry, outcomes: ProbeOutcome[], now: number): void {
    const reports: Reported[] = [];
    const samples: Sample[] = [];
    outcomes.forEach((outcome, i) => {
      const maxAttempts = entry.probes[i]?.maxAttempts ?? 3;
      reports.push({ checks: outcome.result.checks, maxAttempts });
      samples.push(...outcome.result.samples);
      if (outcome.servers) this.markBackends(entry, outcome.servers, maxAttempts, now);
    });
    const answered = outcomes.some((o) => o.reachable);
    this.recorder.addEvents(entry.health.apply('poll', reports, now, answered));
    entry.health.setSamples(samples);
    this.recorder.addSamples(entry.host.name, now, samples);
    this.dirty.add(entry.host.name);
  }

  /** A load balancer's view of its backend servers becomes a check on each server's own host. */
  private markBackends(lb: Entry, servers: HaproxyServer[], maxAttempts: number, now: number): void {
    const byHost = new Map<string, Check[]>();
    for (const server of servers) {
      const target = this.findHost(server);
      if (!target || target === lb) continue;
      const check: Check = { id: `haproxy:${lb.host.name}:${server.backend}/${server.server}`, source: 'haproxy', name: `${lb.host.name} ${server.backend}`, state: server.state, reason: `${lb.host.name} has ${server.backend}/${server.server} ${server.status}` };
      const list = byHost.get(target.host.name) ?? [];
      list.push(check);
      byHost.set(target.host.name, list);
    }
    const group = `lb:${lb.host.name}`;
    for (const name of new Set([...lb.lbTargets, ...byHost.keys()])) {
      const target = this.entries.get(name);
      if (!target) continue;
      this.recorder.addEvents(target.health.apply(group, [{ checks: byHost.get(name) ?? [], maxAttempts }], now, false));
      this.dirty.add(name);
    }
    lb.lbTargets = new Set(byHost.keys());
  }

  private findHost(server: HaproxyServer): Entry | undefined {
    const byName = this.entries.get(server.server);
    if (byName) return byName;
    if (!server.address) return undefined;
    const address = server.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    for (const entry of this.entries.values()) if (entry.host.address === address) return entry;
    return undefined;
  }

  /** A Prometheus's answer for its hosts, or its one problem. */
  private recordPrometheus(report: PrometheusReport): void {
    if (this.disposed) return;
    const { results, answered, maxAttempts, problem, group } = report;
    const now = Date.now();
    // Hosts Prometheus did not scrape since the last read: nothing new, but the answer is fresh.
    for (const name of answered) {
      const entry = results.has(name) ? undefined : this.entries.get(name);
      if (!entry) continue;
      if (entry.health.isStale(now)) this.dirty.add(name);
      entry.health.answered(now);
    }
    for (const [name, result] of results) {
      const entry = this.entries.get(name);
      if (!entry) continue;
      this.recorder.addEvents(entry.health.apply('prometheus', [{ checks: result.checks, maxAttempts }], now, true));
      // Not written to the history: the host's graphs read them from the Prometheus that holds
      // them (electron/core/history/hostHistory.ts); the events are kept as for every source.
      entry.health.setSamples(result.samples);
      this.dirty.add(name);
    }
    const before = this.sourceProblems.get(group);
    if (problem) this.sourceProblems.set(group, problem);
    else this.sourceProblems.delete(group);
    if (before?.message !== problem?.message) this.problemsChanged = true;
    this.options.onPrometheusPolled?.(report);
  }

  /** Sends what changed since the last flush: one batch, one history transaction. */
  flush(): void {
    if (this.disposed) return;
    const now = Date.now();
    for (const [name, entry] of this.entries) {
      const stale = entry.health.isStale(now);
      if (stale !== entry.stale) {
        entry.stale = stale;
        this.dirty.add(name);
      }
    }
    this.recorder.flush();
    if (this.dirty.size === 0 && this.removed.length === 0 && !this.problemsChanged) return;
    const hosts: HostStatus[] = [];
    for (const name of this.dirty) {
      const entry = this.entries.get(name);
      if (entry) hosts.push(entry.health.status(now));
    }
    const batch: StatusBatch = { full: false, at: now, hosts, removed: this.removed };
    if (this.problemsChanged) batch.problems = [...this.sourceProblems.values()];
    this.problemsChanged = false;
    this.dirty.clear();
    this.removed = [];
    for (const listener of this.batchListeners) listener(batch);
  }

  dispose(): void {
    if (this.disposed) return;
    this.flush();
    this.disposed = true;
    clearInterval(this.flushTimer);
    this.fleetSubscription.dispose();
    this.prometheus.dispose();
    for (const entry of this.entries.values()) this.stop(entry);
    this.wheel.clear();
    this.entries.clear();
    this.batchListeners.clear();
    this.recorder.dispose();
    closeIdleSockets();
  }
}

function ignore(): void {}

function pollReport(entry: Entry, outcomes: ProbeOutcome[], durationMs: number): PollReport {
  return {
    host: entry.host.name,
    durationMs,
    sources: outcomes.map((outcome, i) => {
      const kind = entry.probes[i]!.kind;
      const id = endpointCheckId(kind);
      const check = outcome.result.checks.find((c) => c.id === id);
      const latency = outcome.result.samples.find((s) => s.metric === `latency_ms:${id}`);
      return { kind, answered: !!latency, latencyMs: latency?.value ?? null, reason: check?.reason ?? '' };
    }),
  };
}
