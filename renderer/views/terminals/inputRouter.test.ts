import { describe, expect, it } from 'vitest';
import { registerTerminal, routeInput } from './inputRouter';

describe('routeInput', () => {
  it('sends to its own terminal, or to every joined one when broadcasting', () => {
    const got: Record<string, string> = { a: '', b: '', c: '' };
    const offs = ['a', 'b', 'c'].map((t) => registerTerminal(t, (d) => (got[t] += d)));
    expect(routeInput('a', 'x', {})).toEqual(['a']);
    expect(routeInput('a', 'y', { a: true, b: true })).toEqual(['a', 'b']);
    // A terminal outside the group types only into itself.
    expect(routeInput('c', 'z', { a: true, b: true })).toEqual(['c']);
    expect(got).toEqual({ a: 'xy', b: 'y', c: 'z' });
    offs.forEach((off) => off());
    expect(routeInput('a', 'q', { a: true })).toEqual([]);
  });
});
