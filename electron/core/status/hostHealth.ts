import { compareStates, isStale, nextCheckStatus, worstState, type CheckMemory } from '../../../shared/health';
import type { Check, CheckState, Sample } from '../../../shared/status/model';
import type { CheckStatus, HostStatus, StatusEvent } from '../../../shared/status/schema';
import { ownString } from './ownString';

// One host's health between polls: each check's Nagios state machine (soft/hard, flapping), the
// latest samples, and the state changes a poll caused. No I/O: the StatusService feeds it the
// probes' results and sends on what it says.

export type EventDraft = Omit<StatusEvent, 'id'>;

/** The checks one source reported, with the attempts it allows before a problem is hard. */
export interface Reported {
  checks: readonly Check[];
  maxAttempts: number;
}

interface Tracked {
  memory: CheckMemory;
  status: CheckStatus;
  /** Who reported it: "poll" for the host's own sources, "lb:<name>" for a load balancer's view. */
  group: string;
  /** The apply() that last reported it: one not reported by its group's latest apply is gone. */
  seen: number;
}

function sameCheck(status: CheckStatus, check: Check, maxAttempts: number): boolean {
  return status.reason === check.reason && status.name === check.name && status.source === check.source && status.maxAttempts === maxAttempts;
}

/** What status() derives from the checks alone, kept until a check changes: a quiet host is
 * reported after every poll (its samples change), and sorting its checks each time was most of
 * the cost of a status batch. */
interface ChecksView {
  /** Worst first, then by id. */
  checks: CheckStatus[];
  state: CheckState;
  hard: boolean;
  summary: string;
}

export class HostHealth {
  private readonly checks = new Map<string, Tracked>();
  /** Problems open when the console last stopped (resume()): a check's first report continues from its own. */
  private readonly resumed = new Map<string, { state: CheckState; hard: boolean; since: number }>();
  /** Null after any check changed. */
  private view: ChecksView | null = null;
  private applies = 0;
  /** The latest samples, as names and values rewritten in place: a host reports the same
   * metrics poll after poll, and a new record each poll lived an interval and had to be promoted. */
  private metrics: string[] = [];
  private values = new Float64Array(0);
  private lastPoll: number | null = null;
  /** Last time any source answered: what staleness is measured from. */
  private lastAnswer: number | null = null;

  constructor(
    readonly name: string,
    public intervalMs: number,
    private readonly hasSources: boolean,
  ) {}

  /**
   * Starts from the problems the history says were open (the latest event of each check), so that
   * the first report after a restart is compared with them: a recovery while the console was away
   * is an event, and a problem still there is neither new nor soft again.
   */
  resume(open: readonly StatusEvent[]): void {
    for (const e of open) if (e.host === this.name && e.to !== 'OK') this.resumed.set(e.check, { state: e.to, hard: e.hard, since: e.at });
  }

  /** Replaces the checks reported by `group` with these; returns the state changes. */
  apply(group: string, reports: readonly Reported[], now: number, answered: boolean): EventDraft[] {
    const events: EventDraft[] = [];
    const stamp = ++this.applies;
    for (const { checks, maxAttempts } of reports) {
      for (const check of checks) this.observe(group, check, maxAttempts, now, stamp, events);
    }
    for (const [id, tracked] of this.checks) {
      if (tracked.group === group && tracked.seen !== stamp) {
        this.checks.delete(id);
        this.view = null;
      }
    }
    // A host's own poll, or a source that answered for the whole fleet (Prometheus): a load
    // balancer's view of its backends (answered false) is neither.
    if (group === 'poll' || answered) {
      this.lastPoll = now;
      if (answered) this.lastAnswer = now;
    }
    return events;
  }

  private observe(group: string, check: Check, maxAttempts: number, now: number, stamp: number, events: EventDraft[]): void {
    const before = this.checks.get(check.id);
    const previous = before?.memory ?? this.resumedMemory(check.id, maxAttempts);
    const memory = nextCheckStatus(previous, check.state, now, maxAttempts);
    // A check that is as it was keeps its objects: a poll of a quiet fleet then leaves behind
    // nothing new for the collector to move. What is kept has strings of its own: the check's
    // may be cut from the answer, and keeping them would keep the whole answer.
    let tracked = before;
    if (!tracked || tracked.memory !== memory || tracked.group !== group || !sameCheck(tracked.status, check, maxAttempts)) {
      const status: CheckStatus = {
        id: ownString(check.id),
        source: check.source,
        name: ownString(check.name),
        state: memory.state,
        reason: ownString(check.reason),
        hard: memory.hard,
        attempt: memory.attempt,
        maxAttempts,
        since: memory.since,
        flapping: memory.flapping,
      };
      tracked = { memory, status, group, seen: stamp };
      this.checks.set(status.id, tracked);
      this.view = null;
    } else tracked.seen = stamp;
    const from = previous?.state ?? 'OK';
    const becameHard = memory.hard && !(previous?.hard ?? false) && memory.state !== 'OK';
    if (from !== memory.state || becameHard) {
      const { status } = tracked;
      events.push({ at: now, host: this.name, check: status.id, checkName: status.name, from, to: memory.state, hard: memory.hard, reason: status.reason });
    }
  }

  /** A resumed problem as the memory its check would have had (taken once: later reports have their own). */
  private resumedMemory(id: string, maxAttempts: number): CheckMemory | null {
    const open = this.resumed.get(id);
    if (!open) return null;
    this.resumed.delete(id);
    return { state: open.state, hard: open.hard, attempt: open.hard ? maxAttempts : 1, since: open.since, recent: [open.state], flapping: false };
  }

  setSamples(samples: readonly Sample[]): void {
    if (samples.length !== this.metrics.length || samples.some((s, i) => s.metric !== this.metrics[i])) {
      this.metrics = samples.map((s) => ownString(s.metric));
      this.values = new Float64Array(samples.length);
    }
    samples.forEach((s, i) => (this.values[i] = s.value));
  }

  private latest(): Record<string, number> {
    const latest: Record<string, number> = {};
    this.metrics.forEach((metric, i) => (latest[metric] = this.values[i]!));
    return latest;
  }

  /** A source answered for the whole fleet with nothing new for this host (Prometheus between its scrapes). */
  answered(now: number): void {
    this.lastPoll = now;
    this.lastAnswer = now;
  }

  isStale(now: number): boolean {
    return this.hasSources && isStale(this.lastAnswer, now, this.intervalMs);
  }

  status(now: number): HostStatus {
    const view = (this.view ??= this.viewOfChecks());
    const stale = this.isStale(now);
    // Before any check there is nothing fresh or stale to speak of: the summary says why.
    const summary = stale && view.checks.length > 0 ? `no fresh data since ${this.lastAnswer ? new Date(this.lastAnswer).toISOString() : 'start'}; ${view.summary}` : view.summary;
    return { host: this.name, stale, lastPoll: this.lastPoll, checks: view.checks, latest: this.latest(), state: view.state, hard: view.hard, summary };
  }

  private viewOfChecks(): ChecksView {
    const checks = [...this.checks.values()].map((t) => t.status);
    checks.sort((a, b) => compareStates(b.state, a.state) || a.id.localeCompare(b.id));
    const worst = checks[0];
    if (!worst) {
      const summary = this.hasSources ? 'not polled yet' : 'no status source for this host in the fleet file';
      return { checks, state: 'UNKNOWN', hard: true, summary };
    }
    const state = worstState(checks.map((c) => c.state));
    const problems = checks.filter((c) => c.state !== 'OK').length;
    const summary = state === 'OK' ? `${checks.length} checks OK` : `${worst.name}: ${worst.reason}${problems > 1 ? ` (+${problems - 1} more)` : ''}`;
    return { checks, state, hard: checks.filter((c) => c.state === state).some((c) => c.hard), summary };
  }
}
