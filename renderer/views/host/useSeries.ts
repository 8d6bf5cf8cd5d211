import { useEffect, useState } from 'react';
import type { Series } from '../../../shared/status/schema';
import { loadSeries } from '../../state/historyActions';
import { useClient } from '../../state/react';

export type HistoryRange = '1h' | '6h' | '24h' | '7d' | '30d';

export interface SeriesState {
  series: Series[] | null;
  error: string | null;
}

/** A host's metrics over a range, asked again when the inputs change and every `refreshMs`. */
export function useSeries(host: string, metrics: readonly string[], range: HistoryRange, points: number, refreshMs = 10_000): SeriesState {
  const client = useClient();
  const [state, setState] = useState<SeriesState>({ series: null, error: null });
  const key = metrics.join('\u0000');
  useEffect(() => {
    if (metrics.length === 0 || points < 10) return;
    let live = true;
    const load = (): void => {
      loadSeries(client, { host, metrics, range, points }).then(
        (series) => live && setState({ series, error: null }),
        (error: Error) => live && setState((s) => ({ series: s.series, error: error.message })),
      );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `key` stands for the metrics list.
  }, [client, host, key, range, points, refreshMs]);
  return state;
}
