import { CoreFailure, type ApiPart } from '../transport/coreApi';
import { HistoryUnavailable, type HistorySource } from './hostHistory';

// The history part of the contract: each host's graphs from where its history is (hostHistory.ts).
// A history that cannot answer (no database, a Prometheus down) says why on the graph.
export function historyApi(history: HistorySource): ApiPart<'history.series' | 'history.metrics', never> {
  return {
    requests: {
      'history.series': async (query) => {
        try {
          return await history.series(query);
        } catch (error) {
          if (error instanceof HistoryUnavailable) throw new CoreFailure(error.message, error.hint);
          throw error;
        }
      },
      // No metrics to list when the history cannot say: the graphs of the live metrics still show.
      'history.metrics': async ({ host }) => history.metrics(host).catch(() => []),
    },
    streams: {},
  };
}
