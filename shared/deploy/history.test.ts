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
      { release: '20260102000000', presentOn: ['a', 'b'], archivedOn: [], currentOn: ['a', 'b'], revision: 'abc', deployedBy: 'alice', branch: 'main' },
      { release: '20260101000000', presentOn: ['a', 'b', 'c'], archivedOn: [], currentOn: ['c'], revision: null, deployedBy: null, branch: null },
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
    const own = 'alice@laptop pid 7 since 2026-01-02T00:00:00.000Z (deploy shop 20260102000000)';
    const locked = reports.map((r) => ({ ...r, lock: r.host === 'c' ? own : null }));
    expect(recoveryPlan(record, locked)).toBe('20260102000000 runs on a; not on c (20260101000000). The lock it left on c is taken over.');
    // A failed deploy removed its locks; one still there (its unlock failed) stops a resume, which takes over nothing.
    expect(recoveryPlan({ ...record, outcome: 'failed' }, locked)).toMatch(/^20260102000000 runs on a; not on c \(20260101000000\)\. Another deploy holds the lock on c \(alice@laptop/);
    const cap = 'capistrano carol@laptop pid 42 since 2026-01-02T00:00:00.000Z (cap production deploy, shop)';
    const capLocked = reports.map((r) => ({ ...r, lock: r.host === 'a' ? cap : r.host === 'c' ? own : null }));
    expect(recoveryPlan(record, capLocked)).toBe(`20260102000000 runs on a; not on c (20260101000000). The lock it left on c is taken over. Capistrano holds the lock on a (${cap}): this stops at preflight until cap gives it back.`);
    // Another console's lock: taken over only once it is stale.
    const other = 'bob@desk pid 9 since 2026-01-02T00:05:00.000Z (deploy shop 20260102000500)';
    const live = { ageSeconds: 5, heartbeat: true, stale: false };
    const othersLock = (lease: typeof live) => reports.map((r) => ({ ...r, lock: r.host === 'c' ? other : null, lease: r.host === 'c' ? lease : null }));
    expect(recoveryPlan(record, othersLock(live))).toBe(`20260102000000 runs on a; not on c (20260101000000). Another deploy holds the lock on c (locked by ${other}, last heartbeat 5 s ago (live)): this stops at preflight until it ends or its lock goes stale.`);
    expect(recoveryPlan(record, othersLock({ ageSeconds: 120, heartbeat: true, stale: true }))).toBe('20260102000000 runs on a; not on c (20260101000000). The stale lock of another console on c is taken over.');
  });
});
