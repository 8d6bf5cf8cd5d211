import { describe, expect, it, vi } from 'vitest';
import type { StatusEvent } from '../shared/status/schema';
import { notificationFor, startNotifier } from './notifications';
import { createAppStore } from './state/store';

let id = 0;
const ev = (host: string, to: StatusEvent['to'], hard: boolean, from: StatusEvent['from'] = 'OK'): StatusEvent => ({ id: ++id, at: id, host, check: 'monit:endpoint', checkName: 'Monit', from, to, hard, reason: `${host} is ${to}` });

describe('notifications', () => {
  it('say nothing for soft problems', () => {
    expect(notificationFor([ev('a', 'CRITICAL', false)])).toBeNull();
  });

  it('name one host and its reasons', () => {
    expect(notificationFor([ev('a', 'CRITICAL', true)])).toEqual({ title: 'a: CRITICAL', body: 'a is CRITICAL', tag: 'host:a' });
  });

  it('group many hosts into one notification', () => {
    const events = Array.from({ length: 300 }, (_, i) => ev(`h${i}`, 'CRITICAL', true));
    const text = notificationFor([...events, ev('z', 'OK', true, 'CRITICAL')]);
    expect(text?.title).toBe('300 hosts have hard problems, 1 recovered');
    expect(text?.body).toMatch(/^h0, h1, h2, h3, h4, h5 and 294 more$/);
  });

  it('tell recoveries', () => {
    expect(notificationFor([ev('a', 'OK', true, 'CRITICAL')])?.title).toBe('a recovered');
  });

  it('gather the events of a few seconds into one', () => {
    vi.useFakeTimers();
    const store = createAppStore();
    const shown: string[] = [];
    const stop = startNotifier(store, (t) => shown.push(t.title));
    store.getState().statusChangesReceived(Array.from({ length: 50 }, (_, i) => ev(`h${i}`, 'CRITICAL', true)));
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(3000);
    expect(shown).toEqual(['50 hosts have hard problems']);
    stop();
    vi.useRealTimers();
  });

  it('stay quiet about the history loaded when the page opens, and tell what happens after', () => {
    vi.useFakeTimers();
    const store = createAppStore();
    const shown: string[] = [];
    const stop = startNotifier(store, (t) => shown.push(t.title));
    store.getState().eventsLoaded([ev('host-4', 'CRITICAL', true), ev('host-4', 'OK', true, 'CRITICAL')]);
    vi.advanceTimersByTime(3000);
    expect(shown).toEqual([]);
    store.getState().statusChangesReceived([ev('host-2', 'CRITICAL', true)]);
    vi.advanceTimersByTime(3000);
    expect(shown).toEqual(['host-2: CRITICAL']);
    stop();
    vi.useRealTimers();
  });
});
