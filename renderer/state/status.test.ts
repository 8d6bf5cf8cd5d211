import { describe, expect, it } from 'vitest';
import type { HostStatus } from '../../shared/status/schema';
import { applyBatch, MAX_EVENTS, mergeEvents } from './status';
import { createAppStore } from './store';

const status = (host: string, state: HostStatus['state'], extra: Partial<HostStatus> = {}): HostStatus => ({ host, state, hard: true, stale: false, lastPoll: 1, summary: '', checks: [], latest: {}, ...extra });

describe('status state', () => {
  it('replaces only the hosts of a batch and keeps the others as they were', () => {
    const a = status('a', 'OK');
    const b = status('b', 'OK');
    const { statuses } = applyBatch({}, { full: true, at: 1, hosts: [a, b], removed: [] });
    const next = applyBatch(statuses, { full: false, at: 2, hosts: [status('b', 'OK', { latest: { cpu_pct: 3 } })], removed: [] });
    expect(next.statuses.a).toBe(a);
    expect(next.statuses.b?.latest).toEqual({ cpu_pct: 3 });
    // New samples alone are not a change of state: the map keeps its order.
    expect(next.stateChanged).toBe(false);
    expect(applyBatch(next.statuses, { full: false, at: 3, hosts: [status('b', 'CRITICAL')], removed: [] }).stateChanged).toBe(true);
    const removed = applyBatch(next.statuses, { full: false, at: 3, hosts: [], removed: ['a'] });
    expect(removed.statuses).not.toHaveProperty('a');
    // In place, naming what it touched; a full batch starts a new table.
    expect(removed.statuses).toBe(statuses);
    expect(removed.changed).toEqual(['a']);
    expect(applyBatch(removed.statuses, { full: true, at: 4, hosts: [a], removed: [] })).toMatchObject({ changed: null, stateChanged: true });
  });

  it('keeps the newest events once each, up to a limit', () => {
    const e = (id: number) => ({ id, at: id, host: 'a', check: 'c', checkName: 'c', from: 'OK' as const, to: 'CRITICAL' as const, hard: false, reason: '' });
    expect(mergeEvents([e(2), e(1)], [e(3), e(2)]).map((x) => x.id)).toEqual([3, 2, 1]);
    expect(mergeEvents([], Array.from({ length: MAX_EVENTS + 5 }, (_, i) => e(i)))).toHaveLength(MAX_EVENTS);
  });

  it('a host named __proto__ is an entry like any other', () => {
    const { statuses } = applyBatch({}, { full: true, at: 1, hosts: [status('__proto__', 'CRITICAL')], removed: [] });
    expect(Object.getPrototypeOf(statuses)).toBe(null);
    expect(statuses['__proto__']?.state).toBe('CRITICAL');
  });

  it("keeps the sources' problems until a batch brings the new list, and drops them with a full batch", () => {
    const store = createAppStore();
    const state = store.getState();
    const problem = { source: 'prometheus' as const, url: 'http://prom:9090', message: 'refused', since: 1, hosts: 3 };
    state.statusBatchReceived({ full: false, at: 1, hosts: [], removed: [], problems: [problem] });
    state.statusBatchReceived({ full: false, at: 2, hosts: [status('a', 'OK')], removed: [] });
    expect(store.getState().sourceProblems).toEqual([problem]);
    state.statusBatchReceived({ full: false, at: 3, hosts: [], removed: [], problems: [] });
    expect(store.getState().sourceProblems).toEqual([]);
  });
});
