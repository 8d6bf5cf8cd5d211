import { describe, expect, it } from 'vitest';
import { deployLogLine, isReleaseId, parseLogLine, releaseId, releasesToRemove, rollbackLogLine } from './release';

describe('releases', () => {
  it('names a release by UTC time to the second', () => {
    expect(releaseId(new Date(Date.UTC(2026, 10, 23, 1, 2, 3)))).toBe('20261123010203');
    expect(isReleaseId('20261123010203')).toBe(true);
    expect(isReleaseId('current')).toBe(false);
  });

  it("writes and reads revisions.log lines in Capistrano's words", () => {
    const line = deployLogLine({ branch: 'main', revision: 'abc1234', release: '20261123010203', user: 'alice' });
    expect(line).toBe('Branch main (at abc1234) deployed as release 20261123010203 by alice');
    expect(parseLogLine(line)).toEqual({ kind: 'deploy', branch: 'main', revision: 'abc1234', release: '20261123010203', user: 'alice' });
    expect(parseLogLine(rollbackLogLine({ user: 'bob', release: '20261122000000' }))).toEqual({ kind: 'rollback', user: 'bob', release: '20261122000000' });
    expect(parseLogLine('something else')).toEqual({ kind: 'other', text: 'something else' });
    // Capistrano run where $USER is unset (CI, containers) names nobody.
    expect(parseLogLine('Branch v2 (at 2986639) deployed as release 20261123035620 by ')).toMatchObject({ kind: 'deploy', user: 'unknown', release: '20261123035620' });
    expect(parseLogLine(' rolled back to release 20261123035620')).toEqual({ kind: 'rollback', user: 'unknown', release: '20261123035620' });
  });

  it('never cleans up the current release nor the previous good one', () => {
    const releases = ['20260101000000', '20260201000000', '20260301000000', '20260401000000', '20260501000000', 'junk'];
    expect(releasesToRemove(releases, 2, '20260501000000', '20260401000000')).toEqual(['20260101000000', '20260201000000', '20260301000000']);
    // current rolled back to an old release: it and the last good one stay.
    expect(releasesToRemove(releases, 2, '20260101000000', '20260201000000')).toEqual(['20260301000000']);
  });
});
