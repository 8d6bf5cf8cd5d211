import { describe, expect, it } from 'vitest';
import { NO_CRITERIA, pickHosts, productionHosts } from './pickHosts';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const hosts = [
  sampleHost({ name: 'stg-app-1', environment: 'staging', roles: ['app'] }),
  sampleHost({ name: 'app-1', environment: 'production', roles: ['app'], labels: { canary: 'true' } }),
  sampleHost({ name: 'db-1', environment: 'production', roles: ['db'] }),
];
const statuses = { 'db-1': { host: 'db-1', state: 'CRITICAL' as const, hard: true, stale: false, lastPoll: 1, summary: '', checks: [], latest: {} } };

describe('pickHosts', () => {
  it('takes every host without criteria, and narrows by each', () => {
    expect(pickHosts(hosts, statuses, NO_CRITERIA)).toHaveLength(3);
    expect(pickHosts(hosts, statuses, { ...NO_CRITERIA, environment: 'production' }).map((h) => h.name)).toEqual(['app-1', 'db-1']);
    expect(pickHosts(hosts, statuses, { ...NO_CRITERIA, role: 'app' }).map((h) => h.name)).toEqual(['stg-app-1', 'app-1']);
    expect(pickHosts(hosts, statuses, { ...NO_CRITERIA, label: 'canary=true' }).map((h) => h.name)).toEqual(['app-1']);
    expect(pickHosts(hosts, statuses, { ...NO_CRITERIA, label: 'canary' }).map((h) => h.name)).toEqual(['app-1']);
    expect(pickHosts(hosts, statuses, { ...NO_CRITERIA, state: 'CRITICAL' }).map((h) => h.name)).toEqual(['db-1']);
    expect(pickHosts(hosts, statuses, { ...NO_CRITERIA, text: 'stg' }).map((h) => h.name)).toEqual(['stg-app-1']);
  });

  it('takes a hand-picked list of names and patterns, by commas or spaces', () => {
    const names = (text: string) => pickHosts(hosts, statuses, { ...NO_CRITERIA, text }).map((h) => h.name);
    expect(names('app-1, db-1')).toEqual(['app-1', 'db-1']);
    expect(names('stg-app-1 db-1')).toEqual(['stg-app-1', 'db-1']);
    expect(names('*-1')).toEqual(['stg-app-1', 'app-1', 'db-1']);
    expect(names('app-?')).toEqual(['app-1']);
    expect(names('web-*')).toEqual([]);
  });

  it('knows production hosts by environment or label', () => {
    expect(productionHosts([...hosts, sampleHost({ name: 'x', environment: 'eu', labels: { env: 'prod' } })]).map((h) => h.name)).toEqual(['app-1', 'db-1', 'x']);
  });
});
