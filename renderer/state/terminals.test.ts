import { describe, expect, it } from 'vitest';
import { tabAfter, visibleTabs, type TerminalTab } from './terminals';

const tabs: TerminalTab[] = ['t1', 't2', 't3'].map((id, i) => ({ id, host: `host-${i + 1}`, record: false }));

describe('tabAfter', () => {
  it('steps through the tab bar and round its ends', () => {
    expect(tabAfter(tabs, 't1', 1)).toBe('t2');
    expect(tabAfter(tabs, 't3', 1)).toBe('t1');
    expect(tabAfter(tabs, 't1', -1)).toBe('t3');
    expect(tabAfter(tabs, 't2', -1)).toBe('t1');
  });

  it('starts at an end when no tab is active, and stays put with one tab', () => {
    expect(tabAfter(tabs, null, 1)).toBe('t1');
    expect(tabAfter(tabs, null, -1)).toBe('t3');
    expect(tabAfter(tabs.slice(0, 1), 't1', 1)).toBe('t1');
    expect(tabAfter([], null, 1)).toBeNull();
  });
});

describe('visibleTabs', () => {
  it('shows the active tab, and with the split the most recent other one before it', () => {
    expect(visibleTabs(tabs, 't2', false)).toEqual(['t2']);
    expect(visibleTabs(tabs, 't2', true)).toEqual(['t3', 't2']);
    expect(visibleTabs(tabs, 't3', true)).toEqual(['t2', 't3']);
    expect(visibleTabs(tabs.slice(0, 1), 't1', true)).toEqual(['t1']);
    expect(visibleTabs(tabs, null, true)).toEqual([]);
  });
});
