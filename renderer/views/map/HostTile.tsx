import { memo, type ReactNode } from 'react';
import type { HostStatus } from '../../../shared/status/schema';
import { useAppStore } from '../../state/react';

// One host on the map. It selects a short string of what its look depends on (state, soft/hard,
// stale), so new samples of its host do not re-render it, and other hosts' changes never do.

export function tileLook(status: HostStatus | undefined): string {
  // Not polled yet is not a problem: grey, like Nagios' PENDING.
  if (!status || (status.lastPoll === null && status.checks.length === 0)) return 'PENDING';
  return `${status.state}${status.hard ? '' : ' soft'}${status.stale ? ' stale' : ''}`;
}

export const HostTile = memo(function HostTile({ name }: { name: string }): ReactNode {
  const look = useAppStore((s) => tileLook(s.statuses[name]));
  const setHover = useAppStore((s) => s.setHover);
  const showHost = useAppStore((s) => s.showHost);
  const openTerminal = useAppStore((s) => s.openTerminal);
  const [state = 'PENDING', ...flags] = look.split(' ');
  const className = ['tile', `tile-${state.toLowerCase()}`, ...flags.map((f) => `tile-${f}`)].join(' ');
  return (
    <li className="map-tile-cell">
      <button
        type="button"
        className={className}
        data-testid="host-tile"
        data-host={name}
        data-state={state}
        aria-label={`${name}: ${look.toLowerCase()}`}
        onMouseEnter={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setHover({ host: name, x: r.left, y: r.bottom });
        }}
        onFocus={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setHover({ host: name, x: r.left, y: r.bottom });
        }}
        onMouseLeave={() => setHover(null)}
        onBlur={() => setHover(null)}
        onClick={() => showHost(name)}
        onDoubleClick={() => openTerminal(name)}
      >
        <span className="tile-name">{name}</span>
      </button>
    </li>
  );
});
