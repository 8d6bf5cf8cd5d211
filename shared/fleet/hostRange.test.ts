import { describe, expect, it } from 'vitest';
import { expandHostRange, MAX_RANGE_HOSTS } from './hostRange';

describe('expandHostRange', () => {
  it('keeps a plain name', () => {
    expect(expandHostRange('db-1')).toEqual(['db-1']);
  });
  it('keeps the width of a zero-padded start', () => {
    expect(expandHostRange('app-[01:03]')).toEqual(['app-01', 'app-02', 'app-03']);
    expect(expandHostRange('app-[8:10]')).toEqual(['app-8', 'app-9', 'app-10']);
  });
  it('steps and counts letters', () => {
    expect(expandHostRange('web[1:5:2]')).toEqual(['web1', 'web3', 'web5']);
    expect(expandHostRange('db-[a:c]')).toEqual(['db-a', 'db-b', 'db-c']);
  });
  it('multiplies several ranges', () => {
    expect(expandHostRange('r[1:2]-n[1:2]')).toEqual(['r1-n1', 'r1-n2', 'r2-n1', 'r2-n2']);
  });
  it('says what is wrong with a bad range', () => {
    expect(() => expandHostRange('app-[3:1]')).toThrow(/ends before it starts/);
    expect(() => expandHostRange('app-[1-3]')).toThrow(/start:end/);
    expect(() => expandHostRange('app-[1:x]')).toThrow(/not a range/);
  });
  it('refuses ranges past the cap instead of filling memory', () => {
    expect(() => expandHostRange(`h[1:${MAX_RANGE_HOSTS + 1}]`)).toThrow(/more than/);
    expect(() => expandHostRange('h[1:200]-[1:200]')).toThrow(/more than/);
  });
});
