import { describe, expect, it } from 'vitest';
import { abortedMessage, cleanupPlan, closingMessage, previousOf, previousRelease, rollbackSummary, rollbackTargets, sharedRevision, succeededMessage, targetOf, undoEnding } from './decisions';

const R1 = '20260101000000';
const R2 = '20260102000000';
const R3 = '20260103000000';
const R4 = '20260104000000';

describe('where each host goes', () => {
  it('an undo takes a host to the newest release older than the one it takes away', () => {
    expect(previousOf([R3, R1, R2], R3)).toBe(R2);
    expect(previousOf([R1], R1)).toBeNull();
  });

  it('a recorded previous release wins; else an undo looks below its release and the others at current', () => {
    const listing = { current: R3, releases: [R1, R2, R3] };
    expect(previousRelease('deploy', R4, listing, R1)).toBe(R1);
    expect(previousRelease('deploy', R4, listing, undefined)).toBe(R3);
    expect(previousRelease('rollback', R1, listing, undefined)).toBe(R3);
    expect(previousRelease('undo', R3, listing, undefined)).toBe(R2);
  });

  it('a deploy or rollback moves every host to its release, an undo each host to its own previous one', () => {
    expect(targetOf('deploy', R4, R3)).toBe(R4);
    expect(targetOf('rollback', R1, R3)).toBe(R1);
    expect(targetOf('undo', R3, R2)).toBe(R2);
  });

  it('going back moves only hosts that had another release; a first deploy has none to go to', () => {
    const previous = { a: R1, b: null, c: R4 };
    expect(rollbackTargets(['a', 'b', 'c'], previous, R4)).toEqual({ movable: ['a'], stuck: ['b'] });
  });
});

describe('an undo before it starts', () => {
  it('fails when a host on the release has nothing earlier, succeeds at once when no host runs it', () => {
    expect(undoEnding(['a', 'b'], { a: R1, b: null }, R2)).toEqual({ outcome: 'failed', message: 'There is no earlier release to go back to on b; nothing was changed.' });
    expect(undoEnding([], {}, R2)).toEqual({ outcome: 'succeeded', message: `No host runs ${R2}; nothing to undo.` });
    expect(undoEnding(['a'], { a: R1 }, R2)).toBeNull();
  });
});

describe('the revision every host prepared', () => {
  it('is the one they share, none when they differ', () => {
    expect(sharedRevision(['a', 'b'], { a: 'abc', b: 'abc' })).toBe('abc');
    expect(sharedRevision(['a', 'b'], { a: 'abc', b: 'def' })).toBeNull();
  });
});

describe('cleanup', () => {
  it('a deploy keeps the new release and the one each host came from, and drops the oldest beyond keep', () => {
    expect(cleanupPlan({ kind: 'deploy', release: R4, to: R4, present: [R1, R2, R3], previous: R3, keep: 2 })).toEqual({ archive: [], remove: [R1, R2] });
    // The release a host came from stays even when older than keep allows.
    expect(cleanupPlan({ kind: 'deploy', release: R4, to: R4, present: [R1, R2, R3], previous: R1, keep: 1 })).toEqual({ archive: [], remove: [R2, R3] });
  });

  it('a rollback archives the releases newer than the one it went to, as Capistrano does', () => {
    expect(cleanupPlan({ kind: 'rollback', release: R2, to: R2, present: [R1, R2, R3, R4], previous: R4, keep: 5 })).toEqual({ archive: [R3, R4], remove: [] });
  });

  it('an undo keeps the release it took away, so it can be resumed', () => {
    // R3 is taken away (hosts go back to R2) while a newer R4 sits beside it: keep 1 alone would drop R3.
    expect(cleanupPlan({ kind: 'undo', release: R3, to: R2, present: [R1, R2, R3, R4], previous: R2, keep: 1 })).toEqual({ archive: [], remove: [R1] });
  });
});

describe('what the outcome says', () => {
  it('an abort without going back names the hosts it left on the release', () => {
    expect(abortedMessage('Aborted by the user', ['a', 'b'], { a: R1, b: R4 }, R4)).toBe(`Aborted by the user. 1 host run ${R4} (a); the others kept their release.`);
    expect(abortedMessage('Aborted by the user', [], {}, R4)).toBe('Aborted by the user. No host was switched.');
  });

  it('a run that went through says what is live where, and what a rollback archived', () => {
    const base = { app: 'shop', release: R2, shipped: `${R2} (v2 c44beba)`, hosts: 2, archived: {}, deployTo: '/srv/shop' };
    expect(succeededMessage({ ...base, kind: 'deploy' })).toBe(`shop ${R2} (v2 c44beba) is live on 2 hosts.`);
    expect(succeededMessage({ ...base, kind: 'undo' })).toBe(`shop ${R2} was taken back on 2 hosts.`);
    expect(succeededMessage({ ...base, kind: 'rollback', archived: { a: [R3], b: [R3] } })).toMatch(new RegExp(`^shop .* is live on 2 hosts\\. As Capistrano's own rollback does, the release it left \\(${R3}\\) was archived as rolled-back-release-<id>\\.tar\\.gz in /srv/shop`));
  });

  it('the lock adds whose lock it took over and where it could not be removed', () => {
    expect(closingMessage('Done.', [], [])).toBe('Done.');
    expect(closingMessage('Done.', ['a'], [{ host: 'b', error: 'unlock on b failed' }])).toBe(
      'Done. It took over the lock on a (.fleetdeck/takeovers.log there says whose). The deploy lock could not be removed on b (unlock on b failed); the console removes it once that host answers again (Releases shows it until then).',
    );
  });
});

describe('rollbackSummary', () => {
  it('says which hosts went back, which had nothing to go back to, and when none had switched', () => {
    expect(rollbackSummary(2, [], 'r2')).toBe('2 switched hosts went back to their previous release; hosts not yet switched kept theirs.');
    expect(rollbackSummary(0, ['host-1'], 'r1')).toBe('host-1 had no earlier release to go back to and stays on r1; hosts not yet switched kept theirs.');
    expect(rollbackSummary(1, ['host-2', 'host-3'], 'r3')).toBe(
      '1 switched host went back to its previous release; host-2, host-3 had no earlier release to go back to and stay on r3; hosts not yet switched kept theirs.',
    );
    expect(rollbackSummary(0, [], 'r4')).toBe('no host had been switched, so none went back.');
  });
});
