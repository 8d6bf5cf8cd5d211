import type { HostStatus } from '../../../shared/status/schema';
import { newTile } from './HostTile';

// The tiles of one tier of the map, made outside React: a batch that changes a thousand hosts'
// states must not re-render a thousand components. Every host of the tier has a tile, in file
// order; CSS orders them by state and, in a folded tier, hides the OK and not-yet-polled ones
// (status.css), so folding and unfolding, and a host recovering, write one attribute and create
// or remove no element.

/** Makes the tiles of these hosts in `list`, registers them by host name, and returns what
 * removes them again. */
export function drawTiles(
  list: HTMLElement,
  hosts: readonly string[],
  statuses: Readonly<Record<string, HostStatus>>,
  registry: Map<string, HTMLButtonElement>,
): () => void {
  const fragment = document.createDocumentFragment();
  for (const name of hosts) {
    const { cell, tile } = newTile(name, statuses[name]);
    registry.set(name, tile);
    fragment.append(cell);
  }
  list.append(fragment);
  return () => {
    for (const name of hosts) registry.delete(name);
    list.replaceChildren();
  };
}
