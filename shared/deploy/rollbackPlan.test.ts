import { describe, expect, it } from 'vitest';
import { releaseFacts, releaseName } from './release';
import { planRollback, plannedHosts } from './rollbackPlan';

const report = (host: string, current: string | null, releases: string[], error: string | null = null) => ({ host, current, releases, log: [], error });
const R1 = '20260101000000';
const R2 = '20260102000000';
const hosts = [
  { name: 'host-1', environment: 'staging' },
  { name: 'host-2', environment: 'staging' },
  { name: 'host-4', environment: 'production' },
];

describe('planRollback', () => {
  it('moves only the hosts not on the release, stage by stage, each from what it runs', () => {
    // Staging moved on to R2, production still runs R1 (the demo after a staging deploy and a promotion).
    const plan = planRollback({ app: 'shop', release: R1, stage: null, stages: ['staging', 'production'], hosts, waves: [1, '100%'], reports: [report('host-1', R2, [R1, R2]), report('host-2', R2, [R1, R2]), report('host-4', R1, [R1])] });
    expect(plan).toEqual({
      app: 'shop',
      release: R1,
      stage: null,
      waves: [
        { stage: 'staging', hosts: [{ host: 'host-1', from: R2, to: R1 }] },
        { stage: 'staging', hosts: [{ host: 'host-2', from: R2, to: R1 }] },
      ],
      unchanged: ['host-4'],
    });
    expect(plannedHosts(plan as never)).toEqual(['host-1', 'host-2']);
  });

  it('refuses when a host cannot be read, a moved host lacks the release, or nothing moves', () => {
    const base = { app: 'shop', release: R1, stage: null, stages: null, hosts: hosts.slice(0, 2), waves: [1] as const };
    expect(planRollback({ ...base, waves: [1], reports: [report('host-1', R2, [R1, R2]), report('host-2', null, [], 'connection refused')] })).toEqual({ problem: expect.stringContaining('host-2 (connection refused) could not be read') });
    expect(planRollback({ ...base, waves: [1], reports: [report('host-1', R2, [R2]), report('host-2', R1, [R1])] })).toEqual({ problem: expect.stringContaining(`Release ${R1} is not on host-1 (it has ${R2})`) });
    expect(planRollback({ ...base, waves: [1], reports: [report('host-1', R1, [R1]), report('host-2', R1, [R1])] })).toEqual({ problem: `Every host already runs ${R1}; there is nothing to roll back.` });
  });
});

describe('releaseName', () => {
  it('names a release with its ref and short revision from the hosts or the records', () => {
    const facts = releaseFacts([{ kind: 'deploy', branch: 'v2', revision: 'c44beba0123456789', release: R1, user: 'carol' }], [{ kind: 'deploy', release: R2, ref: 'v3', revision: null }]);
    expect(releaseName(R1, facts)).toBe(`${R1} (v2 c44beba)`);
    expect(releaseName(R2, facts)).toBe(`${R2} (v3)`);
    expect(releaseName('20260103000000', facts)).toBe('20260103000000');
    expect(releaseName(null, facts)).toBe('none');
  });
});
