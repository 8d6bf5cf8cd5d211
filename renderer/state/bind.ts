import { toDisposable, type Disposable } from '../../shared/disposable';
import type { StreamEvent, StreamName } from '../../shared/api';
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
    keepOpen('fleet.updates', (snapshot) => state().snapshotReceived(snapshot), (error) => state().fleetStreamEnded(error));
    keepOpen('status.updates', (batch) => state().statusBatchReceived(batch));
    keepOpen('status.changes', (event) => state().statusEventReceived(event));
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
