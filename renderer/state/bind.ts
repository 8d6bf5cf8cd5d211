import { toDisposable, type Disposable } from '../../shared/disposable';
import type { StreamEvent, StreamName } from '../../shared/api';
import type { StatusEvent } from '../../shared/status/schema';
import type { CoreClient, Subscription } from '../client';
import type { AppStore } from './store';

// Wires the client to the store: connection state, app.info and the latest events on every
// connect, and the fleet and status streams. Views read the store; they never call the client for
// any of this.

/** The part of the client this needs (a fake one in tests). */
export type CoreLink = Pick<CoreClient, 'call' | 'subscribe' | 'onConnection'>;

export function bindClient(client: CoreLink, store: AppStore, now: () => number = Date.now): Disposable {
  const state = store.getState;
  let disposed = false;
  const open = new Map<StreamName, Subscription>();
  const pendingEvents: StatusEvent[] = [];

  /** Opens a stream unless it is open. The client re-opens its streams after a reconnect by
   * itself; one the core ended is gone, so it is opened again on the next connect. */
  function keepOpen<N extends StreamName>(name: N, onEvent: (event: StreamEvent<N>) => void, onEnd?: (error: string | null) => void): void {
    if (open.has(name) || disposed) return;
    const subscription = client.subscribe(name, {} as never, {
      onEvent,
      onEnd: (error) => {
        open.delete(name);
        onEnd?.(error ? error.message : null);
      },
    });
    open.set(name, subscription);
  }

  const openStreams = (): void => {
    keepOpen(
      'fleet.updates',
      (snapshot) => {
        markOnce('fleetdeck:fleet-received');
        state().snapshotReceived(snapshot);
      },
      (error) => state().fleetStreamEnded(error),
    );
    keepOpen('status.updates', (batch) => measureBatch(() => state().statusBatchReceived(batch)));
    // A batch of state changes arrives as one transport message of many events: gather them
    // and update the store once, not once per event.
    keepOpen('status.changes', (event) => {
      if (pendingEvents.push(event) === 1) queueMicrotask(() => state().statusChangesReceived(pendingEvents.splice(0)));
    });
    keepOpen('ssh.questions', (question) => state().questionAsked(question));
  };

  const offConnection = client.onConnection((port) => {
    state().connectionChanged(port, now());
    if (!port.connected || disposed) return;
    openStreams();
    // A call that fails here failed because the connection dropped again; the next connect asks anew.
    client.call('app.info', {}).then((info) => !disposed && state().appInfoReceived(info), () => undefined);
    client.call('status.events', { limit: 200 }).then((events) => !disposed && state().eventsLoaded(events), () => undefined);
  });
  openStreams();

  return toDisposable(() => {
    disposed = true;
    offConnection();
    for (const subscription of open.values()) subscription.close();
    open.clear();
  });
}

/** A User Timing mark the first time something happens (the UI benchmark reads them). */
function markOnce(name: string): void {
  if (typeof performance !== 'undefined' && performance.getEntriesByName(name).length === 0) performance.mark(name);
}

/**
 * Applies a status batch and records two User Timing measures: "fleetdeck:status-batch", the
 * JavaScript work of the update (the store, React's render and commit, which React runs in a
 * microtask queued before ours), and "fleetdeck:status-batch-frame", up to the next task, which
 * also holds the browser's style, layout and paint when a frame fell in between. DevTools shows
 * them; the UI benchmark reads them.
 */
function measureBatch(apply: () => void): void {
  if (typeof performance === 'undefined' || typeof MessageChannel === 'undefined') return apply();
  const start = performance.now();
  apply();
  queueMicrotask(() => performance.measure('fleetdeck:status-batch', { start }));
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    performance.measure('fleetdeck:status-batch-frame', { start });
    channel.port1.close();
  };
  channel.port2.postMessage(null);
}
