import type { HostStatus } from '../../../shared/status/schema';
import { isPending } from '../../state/hostTally';

// One host on the map. Tiles change many times a second on a big fleet, so they are not React
// elements: drawTiles makes them and the map updates their attributes as their hosts' states
// change (zustand's "transient updates"); clicks and hovers are handled once, on the map.

export function tileLook(status: HostStatus | undefined): string {
  // Not polled yet is not a problem: grey, like Nagios' PENDING.
  if (isPending(status)) return 'PENDING';
  return `${status!.state}${status!.hard ? '' : ' soft'}${status!.stale ? ' stale' : ''}`;
}

/** What a screen reader says for a tile. */
const labelOf = (name: string, look: string): string => `${name}: ${look.toLowerCase()}`;

/** Each tile's look as last written: reading it back from the DOM (dataset) cost more than the write. */
const looks = new WeakMap<HTMLElement, string>();

/**
 * Brings a tile's element up to date with its host's status, if its look changed. Two writes:
 * the colour, outline, hatching, place in the order and, in a folded tier, whether it shows at
 * all follow `data-look` in CSS (status.css), because under a busy fleet these writes are most of
 * a status update's work. (A visually hidden text for the state instead of aria-label cost as
 * much, and a third more DOM nodes.)
 */
export function applyLook(el: HTMLElement, name: string, status: HostStatus | undefined): void {
  const look = tileLook(status);
  if (looks.get(el) === look) return;
  looks.set(el, look);
  el.setAttribute('data-look', look);
  el.setAttribute('aria-label', labelOf(name, look));
}

/** A new tile in its list cell: `<li><button data-testid="host-tile" data-host data-look>name</button></li>`. */
export function newTile(name: string, status: HostStatus | undefined): { cell: HTMLLIElement; tile: HTMLButtonElement } {
  const cell = document.createElement('li');
  cell.className = 'map-tile-cell';
  const tile = document.createElement('button');
  tile.type = 'button';
  tile.className = 'tile';
  tile.setAttribute('data-testid', 'host-tile');
  tile.setAttribute('data-host', name);
  const label = document.createElement('span');
  label.className = 'tile-name';
  label.textContent = name;
  tile.append(label);
  applyLook(tile, name, status);
  cell.append(tile);
  return { cell, tile };
}
