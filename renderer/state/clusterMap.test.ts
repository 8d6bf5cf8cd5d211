import { describe, expect, it } from 'vitest';
import type { HostStatus } from '../../shared/status/schema';
import { clusterMap, countsKey, parseCountsKey } from './clusterMap';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const status = (host: string, state: HostStatus['state']): HostStatus => ({ host, state, hard: true, stale: false, lastPoll: 1, summary: '', checks: [], latest: {} });

const snapshot = {
  environments: [{ name: 'production', roles: ['db', 'app', 'monitoring', 'lb'] }],
  hosts: [
    sampleHost({ name: 'db-1', roles: ['db'] }),
    sampleHost({ name: 'app-1', roles: ['app'] }),
    sampleHost({ name: 'app-2', roles: ['app'] }),
    sampleHost({ name: 'app-3', roles: ['app'] }),
    sampleHost({ name: 'mon-1', roles: ['monitoring'] }),
    sampleHost({ name: 'lb-1', roles: ['lb'] }),
  ],
};
const statuses = { 'app-1': status('app-1', 'OK'), 'app-2': status('app-2', 'WARNING'), 'app-3': status('app-3', 'CRITICAL'), 'db-1': status('db-1', 'OK'), 'lb-1': status('lb-1', 'OK') };

describe('clusterMap', () => {
  it('orders tiers by traffic (lb, app, db, then the rest), hosts in file order', () => {
    const env = clusterMap(snapshot, '').environments[0]!;
    expect(env.tiers.map((t) => t.role)).toEqual(['lb', 'app', 'db', 'monitoring']);
    expect(env.tiers[1]!.hosts).toEqual(['app-1', 'app-2', 'app-3']);
  });

  it('counts states as a key that stays equal while nothing changes', () => {
    const key = countsKey(['app-1', 'app-2', 'app-3', 'mon-1'], statuses);
    expect(key).toBe('1,1,1,1');
    expect(parseCountsKey(key)).toEqual({ CRITICAL: 1, WARNING: 1, UNKNOWN: 1, OK: 1 });
  });

  it('narrows by search', () => {
    const map = clusterMap(snapshot, 'app-');
    expect(map.environments[0]!.tiers.filter((t) => t.hosts.length > 0).map((t) => t.role)).toEqual(['app']);
    expect(map.hosts).toEqual(['app-1', 'app-2', 'app-3']);
  });
});
