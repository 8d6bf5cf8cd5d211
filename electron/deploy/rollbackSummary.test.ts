import { describe, expect, it } from 'vitest';
import { rollbackSummary } from './rollbackSummary';

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
