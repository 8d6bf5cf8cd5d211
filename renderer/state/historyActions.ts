import type { RequestInput, RequestOutput } from '../../shared/api';
import type { CoreLink } from './bind';

// The history calls (shared/contract/history.ts), from a host's graphs to the core. What they
// return stays with the view that drew it: graphs are asked for again on every refresh, not kept
// in the store.

/** The most points a chart asks for, whatever its width (the contract's limit). */
const MAX_POINTS = 4000;

type SeriesQuery = RequestInput<'history.series'>;

/** A host's metrics over a range, downsampled to about `points` points. */
export function loadSeries(
  link: Pick<CoreLink, 'call'>,
  query: { host: string; metrics: readonly string[]; range: SeriesQuery['range']; points: number },
): Promise<RequestOutput<'history.series'>> {
  const points = Math.min(MAX_POINTS, Math.round(query.points));
  return link.call('history.series', { host: query.host, metrics: [...query.metrics], range: query.range, points });
}

/** The metrics the history holds for a host; none when there is no history to draw. */
export function loadStoredMetrics(link: Pick<CoreLink, 'call'>, host: string): Promise<RequestOutput<'history.metrics'>> {
  return link.call('history.metrics', { host });
}

/** A host's stored events, newest first, for its timeline (the live ones arrive on the status stream). */
export function loadHostEvents(link: Pick<CoreLink, 'call'>, host: string, limit = 200): Promise<RequestOutput<'status.events'>> {
  return link.call('status.events', { host, limit });
}
