import { describe, expect, it } from 'vitest';
import { drift, releaseRows } from './history';

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
});
