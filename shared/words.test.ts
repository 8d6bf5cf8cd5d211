import { describe, expect, it } from 'vitest';
import { agree, plural } from './words';

describe('plural', () => {
  it('agrees with the count', () => {
    expect(plural(1, 'host')).toBe('1 host');
    expect(plural(0, 'host')).toBe('0 hosts');
    expect(plural(2, 'switched host')).toBe('2 switched hosts');
    expect(`${plural(1, 'switched host')} went back to ${agree(1, 'its', 'their')} previous release`).toBe('1 switched host went back to its previous release');
  });
});
