import { memo, type ReactNode } from 'react';
import type { HostStatus } from '../../../shared/status/schema';

// One host on the map. Tiles change many times a second on a big fleet, so they are not React
// state: a tile renders once with the look its host has then, registers its element, and the map
// updates the element's attributes directly when its host's status changes (zustand's
// "transient updates"). Clicks and hovers are handled once, on the map.

export function tileLook(status: HostStatus | undefined): string {
  // Not polled yet is not a problem: grey, like Nagios' PENDING.
  if (!status || (status.lastPoll === null && status.checks.length === 0)) return 'PENDING';
  return `${status.state}${status.hard ? '' : ' soft'}${status.stale ? ' stale' : ''}`;
}

/** What a screen reader says for a tile. */
const labelOf = (name: string, look: string): string => `${name}: ${look.toLowerCase()}`;

/**
 * Brings a tile's element up to date with its host's status, if its look changed. Two writes:
 * the colour, outline, hatching and place in the order all follow `data-look` in CSS
 * (status.css), because under a busy fleet these writes are most of a status update's work.
 */
export function applyLook(el: HTMLElement, name: string, status: HostStatus | undefined): void {
  const look = tileLook(status);
  if (el.dataset.look === look) return;
  el.dataset.look = look;
  el.setAttribute('aria-label', labelOf(name, look));
}

export const HostTile = memo(function HostTile({
  name,
  status,
  register,
}: {
  name: string;
  status: HostStatus | undefined;
  register: (name: string, el: HTMLButtonElement | null) => void;
}): ReactNode {
  const look = tileLook(status);
  return (
    <li className="map-tile-cell">
      <button
        ref={(el) => register(name, el)}
        type="button"
        className="tile"
        data-testid="host-tile"
        data-host={name}
        data-look={look}
        aria-label={labelOf(name, look)}
      >
        <span className="tile-name">{name}</span>
      </button>
    </li>
  );
});
