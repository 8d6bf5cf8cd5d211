import { describe, expect, it } from 'vitest';
import { drift, isRecoverable, recoveryPlan, releaseRows } from './history';

const reports = [
  { host: 'a', current: '20260102000000', releases: ['20260101000000', '20260102000000'], log: [{ kind: 'deploy' as const, branch: 'main', revision: 'abc', release: '20260102000000', user: 'alice' }], error: null },
  { host: 'b', current: '20260102000000', releases: ['20260101000000', '20260102000000'], log: [], error: null },
  { host: 'c', current: '20260101000000', releases: ['20260101000000'], log: [{ kind: 'other' as const, text: 'x' }], error: null },
];

describe('release history', () => {
  it('lists every release newest first, where it is and who deployed it', () => {
    expect(releaseRows(reports)).toEqual([
      { release: '20260102000000', presentOn: ['a', 'b'], currentOn: ['a', 'b'], revision: 'abc', deployedBy: 'alice', branch: 'main' },
      { release: '20260101000000', presentOn: ['a', 'b', 'c'], currentOn: ['c'], revision: null, deployedBy: null, branch: null },
    ]);
  });
  it('flags hosts that run another release than most', () => {
    expect(drift(reports)).toEqual({ expected: '20260102000000', drifted: ['c'] });
    expect(drift([])).toEqual({ expected: null, drifted: [] });
  });

  it('offers to resume or undo a cut-short deploy, saying what the hosts run and whose lock is taken over', () => {
    const record = { kind: 'deploy' as const, release: '20260102000000', hosts: ['a', 'c'], outcome: 'interrupted' };
    expect(isRecoverable(record)).toBe(true);
    expect(isRecoverable({ ...record, outcome: 'succeeded' })).toBe(false);
    expect(isRecoverable({ ...record, kind: 'rollback' })).toBe(false);
    const locked = reports.map((r) => ({ ...r, lock: r.host === 'c' ? 'alice@laptop' : null }));
    expect(recoveryPlan(record, locked)).toBe('20260102000000 runs on a; not on c (20260101000000). The lock it left on c is taken over.');
    expect(recoveryPlan({ ...record, outcome: 'failed' }, locked)).toBe('20260102000000 runs on a; not on c (20260101000000).');
    const cap = 'capistrano carol@laptop pid 42 since 2026-01-02T00:00:00.000Z (cap production deploy, shop)';
    const capLocked = reports.map((r) => ({ ...r, lock: r.host === 'a' ? cap : r.host === 'c' ? 'alice@laptop' : null }));
    expect(recoveryPlan(record, capLocked)).toBe(`20260102000000 runs on a; not on c (20260101000000). The lock it left on c is taken over. Capistrano holds the lock on a (${cap}): this stops at preflight until cap gives it back.`);
  });
});
