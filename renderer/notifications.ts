import type { StatusEvent } from '../shared/status/schema';
import type { AppStore } from './state/store';

// Desktop notifications for hard problems and their recoveries. Events are gathered for a few
// seconds and sent as one notification, so 300 hosts going down at once make one, not 300.

export interface NotificationText {
  title: string;
  body: string;
  /** Replaces an earlier notification with the same tag instead of stacking. */
  tag: string;
}

const GATHER_MS = 3000;

/** One notification for a group of events, or null if none of them is worth one. */
export function notificationFor(events: readonly StatusEvent[]): NotificationText | null {
  const problems = events.filter((e) => e.hard && e.to !== 'OK');
  const recoveries = events.filter((e) => e.to === 'OK' && e.from !== 'OK');
  if (problems.length === 0 && recoveries.length === 0) return null;
  const hosts = (list: readonly StatusEvent[]) => [...new Set(list.map((e) => e.host))];
  const down = hosts(problems);
  // A Set: with 10,000 hosts a batch of changes holds thousands of each.
  const alsoDown = new Set(down);
  const up = hosts(recoveries).filter((h) => !alsoDown.has(h));
  if (down.length === 1 && up.length === 0) {
    const first = problems[0]!;
    return { title: `${first.host}: ${first.to}`, body: problems.map((e) => e.reason).slice(0, 3).join('\n'), tag: `host:${first.host}` };
  }
  if (down.length === 0) {
    return { title: up.length === 1 ? `${up[0]} recovered` : `${up.length} hosts recovered`, body: list(up), tag: 'recovered' };
  }
  const title = `${down.length} ${down.length === 1 ? 'host has' : 'hosts have'} hard problems${up.length ? `, ${up.length} recovered` : ''}`;
  return { title, body: list(down), tag: 'problems' };
}

function list(names: readonly string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`;
}

/**
 * Watches the state changes that arrive while the page is open and shows notifications while the
 * page may (permission granted). The history loaded on connect is old news: a problem that
 * recovered before the page opened must not notify as if it had just happened.
 */
export function startNotifier(store: AppStore, show: (text: NotificationText) => void = showDesktopNotification): () => void {
  let gathered: StatusEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.liveEvents === previous.liveEvents || state.liveEvents.length === 0) return;
    gathered.push(...state.liveEvents);
    timer ??= setTimeout(() => {
      timer = null;
      const text = notificationFor(gathered);
      gathered = [];
      if (text) show(text);
    }, GATHER_MS);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

function showDesktopNotification(text: NotificationText): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(text.title, { body: text.body, tag: text.tag });
}
