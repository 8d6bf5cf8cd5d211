import { memo, type ReactNode } from 'react';
import type { HostStatus } from '../../../shared/status/schema';
import { STATE_ORDER } from '../../state/clusterMap';

// One host on the map. Tiles change many times a second on a big fleet, so they are not React
// state: a tile renders once with the look its host has then, registers its element, and the map
// updates the element's class and attributes directly when its host's status changes (zustand's
// "transient updates"). Clicks and hovers are handled once, on the map.

export function tileLook(status: HostStatus | undefined): string {
  // Not polled yet is not a problem: grey, like Nagios' PENDING.
  if (!status || (status.lastPoll === null && status.checks.length === 0)) return 'PENDING';
  return `${status.state}${status.hard ? '' : ' soft'}${status.stale ? ' stale' : ''}`;
}

interface Look {
  className: string;
  state: string;
  label: string;
  order: number;
}

function lookOf(name: string, look: string): Look {
  const [state = 'PENDING', ...flags] = look.split(' ');
  return {
    className: ['tile', `tile-${state.toLowerCase()}`, ...flags.map((f) => `tile-${f}`)].join(' '),
    state,
    label: `${name}: ${look.toLowerCase()}`,
    order: STATE_ORDER[state as keyof typeof STATE_ORDER] ?? 3,
  };
}

/** Brings a tile's element up to date with its host's status, if its look changed. */
export function applyLook(el: HTMLElement, name: string, status: HostStatus | undefined): void {
  const look = tileLook(status);
  if (el.dataset.look === look) return;
  const l = lookOf(name, look);
  el.dataset.look = look;
  el.className = l.className;
  el.dataset.state = l.state;
  el.setAttribute('aria-label', l.label);
  el.style.order = String(l.order);
}

export const HostTile = memo(function HostTile({ name, status, register }: { name: string; status: HostStatus | undefined; register: (name: string, el: HTMLButtonElement | null) => void }): ReactNode {
  const look = tileLook(status);
  const l = lookOf(name, look);
  return (
    <li className="map-tile-cell">
      <button
        ref={(el) => register(name, el)}
        type="button"
        className={l.className}
        data-testid="host-tile"
        data-host={name}
        data-state={l.state}
        data-look={look}
        aria-label={l.label}
        style={{ order: l.order }}
      >
        <span className="tile-name">{name}</span>
      </button>
    </li>
  );
});
