import type { CheckState } from './status/model';

// Nagios' health semantics as pure functions: the worst of several states, soft and hard states,
// flap detection and staleness. The StatusService applies them to every check of every host.

/** Nagios' rollup order: CRITICAL is worst, then WARNING, then UNKNOWN, then OK. */
const RANK: Record<CheckState, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

export function worstState(states: Iterable<CheckState>): CheckState {
  let worst: CheckState = 'OK';
  for (const state of states) if (RANK[state] > RANK[worst]) worst = state;
  return worst;
}

export function compareStates(a: CheckState, b: CheckState): number {
  return RANK[a] - RANK[b];
}

/** What the state machine remembers of one check between polls. */
export interface CheckMemory {
  state: CheckState;
  hard: boolean;
  /** Consecutive polls in a non-OK state, up to maxAttempts. */
  attempt: number;
  /** When `state` began. */
  since: number;
  /** The last observed states, newest last, for flap detection (grown in place while steady). */
  recent: CheckState[];
  flapping: boolean;
}

export const FLAP_WINDOW = 21;
const FLAP_HIGH_PCT = 30;
const FLAP_LOW_PCT = 20;

/**
 * The next status of a check after one observation. A problem is soft until it is seen
 * maxAttempts times in a row, then hard; a recovery to OK is hard at once (Nagios). A change
 * between two problem states keeps the attempt count: the host is still failing.
 */
export function nextCheckStatus(prev: CheckMemory | null, observed: CheckState, now: number, maxAttempts: number): CheckMemory {
  // Nearly every observation of a fleet repeats the last ones: the same memory, not a copy (at
  // 1,000 hosts the copies were most of what the poller kept for seconds and the collector moved).
  // Until its flap window is full, a steady check's window grows in place: the memory belongs to
  // the one check it tracks, and a window of one state says the same at any length until it fills.
  if (prev && isSteady(prev, observed, maxAttempts)) {
    if (prev.recent.length < FLAP_WINDOW) prev.recent.push(observed);
    return prev;
  }
  const recent = [...(prev?.recent ?? []), observed].slice(-FLAP_WINDOW);
  const flapping = flapState(recent, prev?.flapping ?? false);
  if (!prev) {
    const hard = observed === 'OK' || maxAttempts <= 1;
    return { state: observed, hard, attempt: observed === 'OK' ? 0 : 1, since: now, recent, flapping };
  }
  if (observed === 'OK') {
    return { state: 'OK', hard: true, attempt: 0, since: prev.state === 'OK' ? prev.since : now, recent, flapping };
  }
  const attempt = Math.min(maxAttempts, prev.state === 'OK' ? 1 : prev.attempt + 1);
  const since = prev.state === observed ? prev.since : now;
  return { state: observed, hard: attempt >= maxAttempts, attempt, since, recent, flapping };
}

/** Whether observing `observed` again leaves the state as it is: the window all of it, not
 * flapping, and a problem already hard. */
function isSteady(prev: CheckMemory, observed: CheckState, maxAttempts: number): boolean {
  if (prev.state !== observed || prev.flapping) return false;
  if (observed !== 'OK' && prev.attempt !== Math.min(maxAttempts, prev.attempt + 1)) return false;
  return prev.recent.every((state) => state === observed);
}

/**
 * Percent of state changes among the recent observations, weighted so that newer changes count
 * more (Nagios: from 0.8 for the oldest to 1.2 for the newest). Flapping starts above 30 % and
 * stops below 20 %, so a check does not flap about flapping.
 */
export function flapPercent(recent: readonly CheckState[]): number {
  if (recent.length < 2) return 0;
  let weighted = 0;
  const transitions = recent.length - 1;
  for (let i = 1; i < recent.length; i++) {
    if (recent[i] !== recent[i - 1]) weighted += 0.8 + (0.4 * (i - 1)) / Math.max(1, transitions - 1);
  }
  return (100 * weighted) / transitions;
}

function flapState(recent: readonly CheckState[], wasFlapping: boolean): boolean {
  if (recent.length < FLAP_WINDOW / 2) return false;
  const pct = flapPercent(recent);
  return wasFlapping ? pct >= FLAP_LOW_PCT : pct > FLAP_HIGH_PCT;
}

/** Data is stale when nothing fresh came for `factor` intervals. */
export function isStale(lastSeen: number | null, now: number, intervalMs: number, factor = 3): boolean {
  return lastSeen === null || now - lastSeen > factor * intervalMs;
}
