import type { CheckStateName, HostStatus, SourceProblem, StatusBatch, StatusEvent } from '../../shared/status/schema';
import type { SliceCreator } from './store';

// The fleet's health as the core streams it: every host's status (replaced per host, so a tile
// that selects its own host re-renders only when that host changed) and the latest state changes.

export const MAX_EVENTS = 500;

export interface StatusSlice {
  statuses: Readonly<Record<string, HostStatus>>;
  /** Grows when any host's state, hard flag or staleness changed: what ordering and counts
   * depend on. A batch of new samples alone leaves it, so the map is not re-sorted for nothing. */
  stateVersion: number;
  /** Newest first. */
  events: readonly StatusEvent[];
  /** The last batch of changes that happened while the page was open (the live stream), as
   * opposed to the history loaded on connect: only these are news worth a notification. */
  liveEvents: readonly StatusEvent[];
  /** Sources of the whole fleet that give no answer (a Prometheus that is down): one each. */
  sourceProblems: readonly SourceProblem[];
  statusBatchReceived(batch: StatusBatch): void;
  /** State changes as they happen (the status.changes stream). */
  statusChangesReceived(events: readonly StatusEvent[]): void;
  /** The event history (status.events), old news. */
  eventsLoaded(events: readonly StatusEvent[]): void;
}

/** The statuses after a batch, and whether any host's state (not only its samples) changed. */
export function applyBatch(prev: Readonly<Record<string, HostStatus>>, batch: StatusBatch): { statuses: Record<string, HostStatus>; stateChanged: boolean } {
  const statuses: Record<string, HostStatus> = batch.full ? {} : { ...prev };
  let stateChanged = batch.full || batch.removed.length > 0;
  for (const name of batch.removed) delete statuses[name];
  for (const status of batch.hosts) {
    const before = prev[status.host];
    if (!before || before.state !== status.state || before.hard !== status.hard || before.stale !== status.stale) stateChanged = true;
    statuses[status.host] = status;
  }
  return { statuses, stateChanged };
}

/** Adds events (newest first), dropping duplicates by id and the oldest beyond MAX_EVENTS. */
export function mergeEvents(current: readonly StatusEvent[], incoming: readonly StatusEvent[]): StatusEvent[] {
  // The usual case, newer events than all we have, in order: no sorting.
  const newest = current[0]?.id ?? -1;
  if (incoming.every((e, i) => e.id > newest && (i === 0 || e.id > incoming[i - 1]!.id))) {
    return [...incoming].reverse().concat(current.slice(0, Math.max(0, MAX_EVENTS - incoming.length))).slice(0, MAX_EVENTS);
  }
  const byId = new Map<number, StatusEvent>();
  for (const e of [...incoming, ...current]) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_EVENTS);
}

export type StateCounts = Record<CheckStateName, number>;

export function emptyCounts(): StateCounts {
  return { CRITICAL: 0, WARNING: 0, UNKNOWN: 0, OK: 0 };
}

/** A host without a status yet counts as UNKNOWN. */
export function countStates(names: Iterable<string>, statuses: Readonly<Record<string, HostStatus>>): StateCounts {
  const counts = emptyCounts();
  for (const name of names) counts[statuses[name]?.state ?? 'UNKNOWN']++;
  return counts;
}

export const createStatusSlice: SliceCreator<StatusSlice> = (set) => ({
  statuses: {},
  stateVersion: 0,
  events: [],
  liveEvents: [],
  sourceProblems: [],
  statusBatchReceived: (batch) =>
    set((s) => {
      const { statuses, stateChanged } = applyBatch(s.statuses, batch);
      // A batch carries the sources' problems only when they changed: the whole list then.
      const problems = batch.problems ?? (batch.full ? [] : s.sourceProblems);
      return { statuses, stateVersion: stateChanged ? s.stateVersion + 1 : s.stateVersion, sourceProblems: problems };
    }),
  statusChangesReceived: (events) => set((s) => ({ events: mergeEvents(s.events, events), liveEvents: events })),
  eventsLoaded: (events) => set((s) => ({ events: mergeEvents(s.events, events) })),
});
