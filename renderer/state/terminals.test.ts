import { describe, expect, it } from 'vitest';
import { createAppStore } from './store';
import { tabAfter, visibleTabs, type ShellSessionEvents, type TerminalTab } from './terminals';

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

describe('terminal sessions in the store', () => {
  /** A store whose sessions record what they got. */
  function storeWithSessions() {
    const got: Record<string, string> = {};
    const disposed: string[] = [];
    const events: Record<string, ShellSessionEvents> = {};
    const store = createAppStore({
      openSession: (tab, on) => {
        got[tab.host] = '';
        events[tab.host] = on;
        const none = { dispose: () => undefined };
        return {
          input: (d) => (got[tab.host] += d),
          reconnect: () => undefined,
          attach: () => none,
          fitToBox: () => undefined,
          focus: () => undefined,
          findNext: () => undefined,
          dispose: () => disposed.push(tab.host),
        };
      },
    });
    for (const host of ['a', 'b', 'c']) store.getState().openTerminal(host);
    const id = (host: string): string => store.getState().tabs.find((t) => t.host === host)!.id;
    return { store, got, disposed, events, id };
  }

  it('sends typed input to its own shell, or to every joined one when broadcasting', () => {
    const { store, got, events, id } = storeWithSessions();
    events.a!.typed('x');
    store.getState().toggleBroadcast(id('a'));
    store.getState().toggleBroadcast(id('b'));
    events.a!.typed('y');
    // A terminal outside the group types only into itself.
    events.c!.typed('z');
    expect(got).toEqual({ a: 'xy', b: 'y', c: 'z' });
  });

  it('disposes a tab’s session when the tab closes, which leaves the broadcast group', () => {
    const { store, got, disposed, events, id } = storeWithSessions();
    for (const host of ['a', 'b']) store.getState().toggleBroadcast(id(host));
    store.getState().closeTab(id('b'));
    expect(disposed).toEqual(['b']);
    expect(store.getState().sessionOf(id('a'))).toBeDefined();
    events.a!.typed('q');
    expect(got).toMatchObject({ a: 'q', b: '' });
  });

  it('keeps what a shell reports for its pane, and forgets it with the tab', () => {
    const { store, events, id } = storeWithSessions();
    const a = id('a');
    events.a!.opened('/rec/a.cast');
    events.a!.ended('connection lost', false);
    expect(store.getState().shells[a]).toEqual({ recording: '/rec/a.cast', ended: { reason: 'connection lost', loginRefused: false }, searching: false });
    store.getState().reconnectTab(a);
    expect(store.getState().shells[a]!.ended).toBeNull();
    store.getState().closeTab(a);
    // A closed tab's session has nothing more to say.
    events.a!.ended('closed', false);
    expect(store.getState().shells[a]).toBeUndefined();
  });
});
