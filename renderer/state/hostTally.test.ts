import { describe, expect, it } from 'vitest';
import type { HostStatus } from '../../shared/status/schema';
import { parseTallyKey, tallyKey } from './hostTally';
import { createAppStore } from './store';

const status = (host: string, state: HostStatus['state'], extra: Partial<HostStatus> = {}): HostStatus => ({ host, state, hard: true, stale: false, lastPoll: 1, summary: '', checks: [], latest: {}, ...extra });

describe('tallyKey', () => {
  it('counts states, not yet polled apart, and follows each batch from the hosts it touched', () => {
    const store = createAppStore();
    const names = ['a', 'b', 'c', 'd'];
    const key = (): string => tallyKey(names, store.getState());
    store.getState().statusBatchReceived({ full: true, at: 1, hosts: [status('a', 'CRITICAL'), status('b', 'OK'), status('c', 'UNKNOWN', { lastPoll: null })], removed: [] });
    // d has no status at all, c was never polled: both are pending.
    expect(parseTallyKey(key())).toEqual({ CRITICAL: 1, WARNING: 0, UNKNOWN: 0, OK: 1, PENDING: 2 });
    store.getState().statusBatchReceived({ full: false, at: 2, hosts: [status('a', 'OK'), status('c', 'WARNING'), status('x', 'CRITICAL')], removed: [] });
    expect(parseTallyKey(key())).toEqual({ CRITICAL: 0, WARNING: 1, UNKNOWN: 0, OK: 2, PENDING: 1 });
    // The same string while nothing changed, so a selector's component does not re-render.
    expect(key()).toBe(key());
    store.getState().statusBatchReceived({ full: false, at: 3, hosts: [], removed: ['b'] });
    expect(parseTallyKey(key())).toEqual({ CRITICAL: 0, WARNING: 1, UNKNOWN: 0, OK: 1, PENDING: 2 });
  });

  it('counts afresh after a batch it did not see', () => {
    const store = createAppStore();
    const names = ['a', 'b'];
    store.getState().statusBatchReceived({ full: true, at: 1, hosts: [status('a', 'OK'), status('b', 'OK')], removed: [] });
    expect(tallyKey(names, store.getState())).toBe('0,0,0,2,0');
    store.getState().statusBatchReceived({ full: false, at: 2, hosts: [status('a', 'CRITICAL')], removed: [] });
    store.getState().statusBatchReceived({ full: false, at: 3, hosts: [status('b', 'WARNING')], removed: [] });
    expect(tallyKey(names, store.getState())).toBe('1,1,0,0,0');
  });
});
