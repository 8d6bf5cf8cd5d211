import type { HostStatus } from '../../../shared/status/schema';
import { isPending } from '../../state/hostTally';

// One host on the map. Tiles change many times a second on a big fleet, so they are not React
// elements: TierTiles (tierTiles.ts) makes them and updates their attributes as their hosts'
// states change (zustand's "transient updates"); clicks and hovers are handled once, on the map.

export function tileLook(status: HostStatus | undefined): string {
  // Not polled yet is not a problem: grey, like Nagios' PENDING.
  if (isPending(status)) return 'PENDING';
  return `${status!.state}${status!.hard ? '' : ' soft'}${status!.stale ? ' stale' : ''}`;
}

/** What a screen reader says for a tile. */
export const labelOf = (name: string, look: string): string => `${name}: ${look.toLowerCase()}`;

/**
 * A new tile in its list cell: `<li><button data-testid="host-tile" data-host data-look>name</button></li>`.
 * Its look is one attribute, `data-look`: the colour, outline, hatching, place in the order and,
 * in a folded tier, whether it shows at all follow it in CSS (status.css), because under a busy
 * fleet these writes are most of a status update's work (TierTiles writes them). A visually hidden
 * text for the state instead of aria-label cost as much, and a third more DOM nodes.
 */
export function newTile(name: string, look: string): { cell: HTMLLIElement; tile: HTMLButtonElement } {
  const cell = document.createElement('li');
  cell.className = 'map-tile-cell';
  const tile = document.createElement('button');
  tile.type = 'button';
  tile.className = 'tile';
  tile.setAttribute('data-testid', 'host-tile');
  tile.setAttribute('data-host', name);
  tile.setAttribute('data-look', look);
  tile.setAttribute('aria-label', labelOf(name, look));
  const label = document.createElement('span');
  label.className = 'tile-name';
  label.textContent = name;
  tile.append(label);
  cell.append(tile);
  return { cell, tile };
}
