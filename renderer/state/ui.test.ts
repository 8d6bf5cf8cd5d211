import { describe, expect, it } from 'vitest';
import { hashForView, searchChanged, toggled, viewForChord, viewFromHash } from './ui';

const chord = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('viewForChord', () => {
  it('maps Ctrl+1..6 (Cmd on a Mac) to the views', () => {
    expect(viewForChord(chord('1', { ctrlKey: true }), false)).toBe('fleet');
    expect(viewForChord(chord('6', { ctrlKey: true }), false)).toBe('releases');
    expect(viewForChord(chord('3', { metaKey: true }), true)).toBe('terminals');
  });
  it('ignores other keys, other modifiers and the other platform’s modifier', () => {
    expect(viewForChord(chord('7', { ctrlKey: true }), false)).toBeNull();
    expect(viewForChord(chord('1'), false)).toBeNull();
    expect(viewForChord(chord('1', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(viewForChord(chord('1', { metaKey: true }), false)).toBeNull();
    expect(viewForChord(chord('1', { ctrlKey: true }), true)).toBeNull();
  });
});

describe('view hash', () => {
  it('round-trips and falls back to the fleet view', () => {
    expect(viewFromHash(hashForView('deploys'))).toBe('deploys');
    expect(viewFromHash('')).toBe('fleet');
    expect(viewFromHash('#/nope')).toBe('fleet');
  });
});

describe('searchChanged', () => {
  it('brings the fleet view up when a search is typed elsewhere', () => {
    expect(searchChanged({ view: 'deploys' }, 'app')).toEqual({ view: 'fleet', search: 'app' });
    expect(searchChanged({ view: 'deploys' }, '')).toEqual({ view: 'deploys', search: '' });
  });
});

describe('toggled', () => {
  it('folds and unfolds without touching the input', () => {
    const none = {};
    const one = toggled(none, 'staging');
    expect(one).toEqual({ staging: true });
    expect(none).toEqual({});
    expect(toggled(one, 'staging')).toEqual({});
  });
});
