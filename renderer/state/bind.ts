import { toDisposable, type Disposable } from '../../shared/disposable';
import type { CoreClient, Subscription } from '../client';
import type { AppStore } from './store';

// Wires the client to the store: connection state, app.info on every connect, and the fleet
// updates stream. Views read the store; they never call the client for any of this.

/** The part of the client this needs (a fake one in tests). */
export type CoreLink = Pick<CoreClient, 'call' | 'subscribe' | 'onConnection'>;

export function bindClient(client: CoreLink, store: AppStore, now: () => number = Date.now): Disposable {
  const state = store.getState;
  let fleet: Subscription | null = null;
  let disposed = false;

  const openFleetUpdates = (): void => {
    fleet = client.subscribe(
      'fleet.updates',
      {},
      {
        onEvent: (snapshot) => state().snapshotReceived(snapshot),
        // The client re-opens its streams after a reconnect by itself; one the core ended is
        // gone, so it is opened again on the next connect.
        onEnd: (error) => {
          fleet = null;
          state().fleetStreamEnded(error ? error.message : null);
        },
      },
    );
  };

  const offConnection = client.onConnection((port) => {
    state().connectionChanged(port, now());
    if (!port.connected || disposed) return;
    if (!fleet) openFleetUpdates();
    client.call('app.info', {}).then(
      (info) => {
        if (!disposed) state().appInfoReceived(info);
      },
      // A call that fails here failed because the connection dropped again; the next connect asks anew.
      () => undefined,
    );
  });
  if (!fleet) openFleetUpdates();

  return toDisposable(() => {
    disposed = true;
    offConnection();
    fleet?.close();
    fleet = null;
  });
}
