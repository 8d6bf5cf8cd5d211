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

  it('counters of overlapping lists follow batch after batch as a recount would, hosts new to the page included', () => {
    const store = createAppStore();
    const all = Array.from({ length: 40 }, (_, i) => `h${i}`);
    const lists = [all, all.slice(0, 10), all.filter((_, i) => i % 3 === 0), ['h5']];
    const states: HostStatus['state'][] = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    store.getState().statusBatchReceived({ full: true, at: 0, hosts: all.slice(0, 20).map((h) => status(h, 'OK')), removed: [] });
    for (let batch = 1; batch <= 30; batch++) {
      for (const list of lists) tallyKey(list, store.getState());
      const touched = Array.from({ length: 8 }, () => all[next(all.length)]!);
      // Now and then a host none of the lists holds, and one that goes away.
      const hosts = [...new Set(touched)].map((h) => status(h, states[next(states.length)]!, { lastPoll: next(4) === 0 ? null : batch }));
      if (batch % 7 === 0) hosts.push(status(`new-${batch}`, 'CRITICAL'));
      store.getState().statusBatchReceived({ full: false, at: batch, hosts, removed: batch % 5 === 0 ? [all[next(all.length)]!] : [] });
      // A copy of a list has no counter yet: it counts afresh.
      for (const list of lists) expect(tallyKey(list, store.getState())).toBe(tallyKey([...list], store.getState()));
    }
  });
});
