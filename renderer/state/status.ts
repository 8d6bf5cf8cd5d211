import type { CheckStateName, HostStatus, SourceProblem, StatusBatch, StatusEvent } from '../../shared/status/schema';
import type { SliceCreator } from './store';

// The fleet's health as the core streams it: every host's status (replaced per host, so a tile
// that selects its own host re-renders only when that host changed) and the latest state changes.
// The table of statuses itself is updated in place: copying 10,000 entries for every batch (two a
// second) cost 7 ms of the map's 8 ms budget. What follows the whole table selects statusVersion
// and reads statusChanged, the hosts the batch touched.

export const MAX_EVENTS = 500;

export interface StatusSlice {
  /** Every host's latest status, by name. The object is updated in place by each batch (a new
   * one only with a full batch): select a host's own entry, never the object. */
  statuses: Readonly<Record<string, HostStatus>>;
  /** Grows with every batch. */
  statusVersion: number;
  /** The hosts whose entry the last batch replaced or removed; null after a full batch (any). */
  statusChanged: readonly string[] | null;
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

/**
 * Applies a batch to the statuses: in place, or into a new object for a full batch. Returns the
 * statuses, the hosts it touched (null for a full batch) and whether any host's state (not only
 * its samples) changed.
 */
export function applyBatch(
  current: Record<string, HostStatus>,
  batch: StatusBatch,
): { statuses: Record<string, HostStatus>; changed: string[] | null; stateChanged: boolean } {
  // Own properties only: a host named "__proto__" must not reach the prototype.
  const statuses: Record<string, HostStatus> = batch.full ? Object.create(null) : current;
  let stateChanged = batch.full || batch.removed.length > 0;
  const changed = batch.full ? null : [...batch.removed];
  for (const name of batch.removed) delete statuses[name];
  for (const status of batch.hosts) {
    const before = batch.full ? undefined : statuses[status.host];
    if (!before || before.state !== status.state || before.hard !== status.hard || before.stale !== status.stale) stateChanged = true;
    statuses[status.host] = status;
    changed?.push(status.host);
  }
  return { statuses, changed, stateChanged };
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

export const createStatusSlice: SliceCreator<StatusSlice> = (set) => ({
  statuses: Object.create(null) as Record<string, HostStatus>,
  statusVersion: 0,
  statusChanged: null,
  stateVersion: 0,
  events: [],
  liveEvents: [],
  sourceProblems: [],
  statusBatchReceived: (batch) =>
    set((s) => {
      const { statuses, changed, stateChanged } = applyBatch(s.statuses as Record<string, HostStatus>, batch);
      // A batch carries the sources' problems only when they changed: the whole list then.
      const problems = batch.problems ?? (batch.full ? [] : s.sourceProblems);
      return {
        statuses,
        statusVersion: s.statusVersion + 1,
        statusChanged: changed,
        stateVersion: stateChanged ? s.stateVersion + 1 : s.stateVersion,
        sourceProblems: problems,
      };
    }),
  statusChangesReceived: (events) => set((s) => ({ events: mergeEvents(s.events, events), liveEvents: events })),
  eventsLoaded: (events) => set((s) => ({ events: mergeEvents(s.events, events) })),
});
