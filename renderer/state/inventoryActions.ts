import { CoreError } from '../client';
import type { CoreLink } from './bind';
import type { AppStore } from './store';

// The inventory calls, from the no-fleet-file view to the core and back into the store. The new
// fleet itself arrives on 'fleet.updates' like any reload.

export async function loadSshOffer(link: Pick<CoreLink, 'call'>, store: AppStore): Promise<void> {
  const state = store.getState;
  state().sshOfferLoading();
  try {
    state().sshOfferLoaded(await link.call('inventory.sshConfigHosts', {}));
  } catch (error) {
    state().sshOfferFailed((error as Error).message);
  }
}

export async function writeFleetFile(link: Pick<CoreLink, 'call'>, store: AppStore): Promise<void> {
  const state = store.getState;
  const names = state().sshOffer.picked;
  if (names.length === 0 || state().sshOffer.writing) return;
  state().fleetFileWriting();
  try {
    const environment = state().sshOffer.environment.trim() || undefined;
    const written = await link.call('inventory.writeFleetFile', { hosts: [...names], environment });
    state().fleetFileWritten();
    // The stream brings the same snapshot; taking it now saves a round trip.
    state().snapshotReceived(written.snapshot);
  } catch (error) {
    state().fleetFileWriteFailed({ message: (error as Error).message, hint: error instanceof CoreError ? error.hint : undefined });
  }
}
