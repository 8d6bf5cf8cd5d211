import type { ReactNode } from 'react';
import { since } from '../../parts/format';
import { useAppStore } from '../../state/react';

// The one tooltip of the map (not one per tile): the hovered host's summary and the reasons of
// its failing checks.

export function MapTooltip(): ReactNode {
  const hover = useAppStore((s) => s.hover);
  const status = useAppStore((s) => (s.hover ? s.statuses[s.hover.host] : undefined));
  if (!hover) return null;
  const failing = status?.checks.filter((c) => c.state !== 'OK') ?? [];
  return (
    <div className="map-tooltip" role="tooltip" data-testid="map-tooltip" style={{ left: hover.x, top: hover.y + 4 }}>
      <div className="map-tooltip-title">
        <strong>{hover.host}</strong> <span className={`state-text state-${(status?.state ?? 'pending').toLowerCase()}`}>{status ? `${status.state}${status.hard ? '' : ' (soft)'}` : 'not polled yet'}</span>
      </div>
      {status?.stale ? <div className="muted">No fresh data: the values are old.</div> : null}
      {failing.length === 0 ? <div className="muted">{status?.summary ?? 'Waiting for the first poll.'}</div> : null}
      <ul>
        {failing.slice(0, 6).map((c) => (
          <li key={c.id}>
            <span className={`state-dot state-${c.state.toLowerCase()}`} aria-hidden="true" /> {c.reason}{' '}
            <span className="muted">
              {c.hard ? '' : `soft ${c.attempt}/${c.maxAttempts}, `}since {since(c.since)}
            </span>
          </li>
        ))}
        {failing.length > 6 ? <li className="muted">and {failing.length - 6} more</li> : null}
      </ul>
    </div>
  );
}
