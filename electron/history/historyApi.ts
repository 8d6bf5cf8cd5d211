import { CoreFailure, type ApiPart } from '../transport/coreApi';
import type { HistoryStore } from './historyStore';

// The history part of the contract. Without a store (it could not be opened) the graphs say why.
export function historyApi(history: HistoryStore | null, whyMissing: string | null): ApiPart<'history.series' | 'history.metrics', never> {
  return {
    requests: {
      'history.series': async (query) => {
        if (!history) throw new CoreFailure(`No history: ${whyMissing ?? 'the history database is not open'}`, 'Live status still works; fix or move the history file and restart Fleetdeck.');
        return history.series(query);
      },
      // Without a store there is no history to draw: no metrics, and the graphs say why.
      'history.metrics': async ({ host }) => history?.metrics(host) ?? [],
    },
    streams: {},
  };
}
