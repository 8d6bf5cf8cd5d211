import type { Disposable } from '../../../shared/disposable';
import type { Sample } from '../../../shared/status/model';
import type { StatusEvent } from '../../../shared/status/schema';
import type { EventDraft } from './hostHealth';

// What the status service tells: the events and samples of its polls, kept until the next flush
// and then written in one history transaction and told to listeners. Without a history store the
// latest events are kept in memory, so the events view still works.

/** Where samples and events are kept (electron/core/history); the service works without one too. */
export interface StatusHistory {
  writeSamples(rows: { host: string; at: number; metric: string; value: number }[]): void;
  writeEvents(events: EventDraft[]): StatusEvent[];
  events(q: { host?: string; limit: number }): StatusEvent[];
  /** The checks left in a problem by the latest event of each, e.g. before the console restarted. */
  openProblems(): StatusEvent[];
}

/** Events kept in memory when there is no history store. */
const MEMORY_EVENTS = 1000;

export class StatusRecorder implements Disposable {
  /** Each poll's samples until the next flush writes them (one entry per poll, not per sample). */
  private pendingSamples: { host: string; at: number; samples: Sample[] }[] = [];
  private pendingEvents: EventDraft[] = [];
  private readonly recentEvents: StatusEvent[] = [];
  private nextEventId = 1;
  private readonly listeners = new Set<(event: StatusEvent) => void>();

  constructor(private readonly history: StatusHistory | null) {}

  onEvent(listener: (event: StatusEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  events(q: { host?: string; limit: number }): StatusEvent[] {
    if (this.history) return this.history.events(q);
    return this.recentEvents.filter((e) => !q.host || e.host === q.host).slice(0, q.limit);
  }

  /** Problems the history says were open when the console last stopped, by host. */
  openProblems(): Map<string, StatusEvent[]> {
    const byHost = new Map<string, StatusEvent[]>();
    let open: StatusEvent[];
    try {
      open = this.history?.openProblems() ?? [];
    } catch (error) {
      // A broken history costs the continuity of states, not the console.
      console.error(`Fleetdeck: could not read the open problems from the status history: ${(error as Error).message}`);
      open = [];
    }
    for (const event of open) {
      const list = byHost.get(event.host);
      if (list) list.push(event);
      else byHost.set(event.host, [event]);
    }
    return byHost;
  }

  addEvents(drafts: readonly EventDraft[]): void {
    if (drafts.length > 0) this.pendingEvents.push(...drafts);
  }

  /** A poll's samples, for the history (dropped when there is none: the live view has them). */
  addSamples(host: string, at: number, samples: Sample[]): void {
    if (this.history) this.pendingSamples.push({ host, at, samples });
  }

  /** Writes what was kept since the last flush in one transaction and tells the listeners. */
  flush(): void {
    const samples = this.pendingSamples;
    const drafts = this.pendingEvents;
    this.pendingSamples = [];
    this.pendingEvents = [];
    let events: StatusEvent[];
    try {
      if (samples.length > 0) {
        this.history?.writeSamples(
          samples.flatMap(({ host, at, samples: polled }) => polled.map((s) => ({ host, at, metric: s.metric, value: s.value }))),
        );
      }
      events = drafts.length === 0 ? [] : this.history ? this.history.writeEvents(drafts) : drafts.map((d) => ({ ...d, id: this.nextEventId++ }));
    } catch (error) {
      // The disk is full or the database broke: the live view goes on, the history says why once.
      console.error(`Fleetdeck: could not write status history: ${(error as Error).message}`);
      events = drafts.map((d) => ({ ...d, id: this.nextEventId++ }));
    }
    if (!this.history) {
      this.recentEvents.unshift(...[...events].reverse());
      this.recentEvents.length = Math.min(this.recentEvents.length, MEMORY_EVENTS);
    }
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
