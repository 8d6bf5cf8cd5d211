import type { HostStatus } from '../../../shared/status/schema';
import { labelOf, newTile, tileLook } from './HostTile';

// The tiles of one tier of the map, made outside React: a batch that changes a thousand hosts'
// states must not re-render a thousand components. A tile exists only once its host has been
// shown: a folded tier (its OK and not-yet-polled hosts hidden) makes the tiles of its problems
// and keeps the other hosts' looks in JavaScript, so the map's first frame and a batch of
// recoveries make and write no tile for them (at 10,000 hosts, the 40,000 nodes of the tiles of
// hosts nobody sees were most of the first paint, and their writes a third of a batch). Unfolding
// makes the rest. A tile once made stays (CSS hides it when its host recovers in a folded tier,
// status.css), in file order, so Tab goes through the tiles in the order of the fleet file.

/** What a tier needs of its list and tiles: the page's elements, or small fakes in unit tests. */
export interface TileList<Cell> {
  insertBefore(cell: Cell, before: Cell | null): unknown;
  replaceChildren(...cells: Cell[]): void;
}
export interface TileElement {
  setAttribute(name: string, value: string): void;
}
export type MakeTile<Cell> = (name: string, look: string) => { cell: Cell; tile: TileElement };

interface Drawn<Cell> {
  name: string;
  cell: Cell;
  tile: TileElement;
  /** The look its data-look and its aria-label say, as last written. */
  look: string;
  label: string;
}

/** Hidden in a folded tier: OK (whatever its modifiers) and not polled yet. */
const foldsAway = (look: string): boolean => look === 'PENDING' || look === 'OK' || look.startsWith('OK ');

export class TierTiles<Cell = HTMLLIElement> {
  private readonly index = new Map<string, number>();
  /** Each host's look, in file order, whether its tile exists or not. */
  private readonly looks: string[];
  private readonly drawn: Array<Drawn<Cell> | undefined>;
  /** The positions (file order) of the hosts that have a tile, ascending: the list's order. */
  private readonly placed: number[] = [];

  constructor(
    private readonly list: TileList<Cell>,
    private readonly hosts: readonly string[],
    statuses: Readonly<Record<string, HostStatus>>,
    private folded: boolean,
    private readonly make: MakeTile<Cell> = newTile as unknown as MakeTile<Cell>,
    /** Whether the keyboard focus is on this tile: a focused tile that recovers stays shown. */
    private readonly hasFocus: (tile: TileElement) => boolean = (tile) => typeof document !== 'undefined' && document.activeElement === tile,
  ) {
    hosts.forEach((name, i) => this.index.set(name, i));
    this.looks = hosts.map((name) => tileLook(statuses[name]));
    this.drawn = new Array<Drawn<Cell> | undefined>(hosts.length);
    this.placeAll(false);
  }

  /** How many hosts have a tile. */
  get tileCount(): number {
    return this.placed.length;
  }

  /** Brings a host's tile (or, while it is hidden, only its remembered look) up to its status. */
  update(name: string, status: HostStatus | undefined): void {
    const i = this.index.get(name);
    if (i === undefined) return;
    const look = tileLook(status);
    if (this.looks[i] === look) return;
    this.looks[i] = look;
    const drawn = this.drawn[i];
    if (!this.folded || !foldsAway(look)) {
      if (drawn) this.write(drawn, look, true);
      else this.insert(i);
    } else if (drawn) {
      // Hidden by CSS from now: its colour (what hides it), but its label only when it shows
      // again, unless it keeps showing because it has the focus.
      this.write(drawn, look, this.hasFocus(drawn.tile));
    }
  }

  /** Every host anew (after a full batch). */
  updateAll(statuses: Readonly<Record<string, HostStatus>>): void {
    for (const name of this.hosts) this.update(name, statuses[name]);
  }

  /** Folds (CSS hides the OK tiles already made) or unfolds (every host gets its tile). */
  setFolded(folded: boolean): void {
    if (folded === this.folded) return;
    this.folded = folded;
    if (!folded) this.placeAll(true);
  }

  /** Makes the tiles of the hosts shown now, all in one go, in file order; brings the labels of
   * the tiles that were hidden up to date. */
  private placeAll(keepMade: boolean): void {
    let missing = false;
    for (let i = 0; i < this.hosts.length; i++) {
      const drawn = this.drawn[i];
      if (drawn) this.write(drawn, this.looks[i]!, true);
      else if (!this.folded || !foldsAway(this.looks[i]!)) {
        this.drawn[i] = this.newDrawn(i);
        missing = true;
      }
    }
    if (!missing && keepMade) return;
    this.placed.length = 0;
    const cells: Cell[] = [];
    this.drawn.forEach((drawn, i) => {
      if (!drawn) return;
      this.placed.push(i);
      cells.push(drawn.cell);
    });
    this.list.replaceChildren(...cells);
  }

  /** One new tile, before the next tile in file order. */
  private insert(i: number): void {
    const drawn = this.newDrawn(i);
    this.drawn[i] = drawn;
    const at = firstAtOrAbove(this.placed, i);
    const next = at < this.placed.length ? this.drawn[this.placed[at]!]!.cell : null;
    this.placed.splice(at, 0, i);
    this.list.insertBefore(drawn.cell, next);
  }

  private newDrawn(i: number): Drawn<Cell> {
    const name = this.hosts[i]!;
    const look = this.looks[i]!;
    const { cell, tile } = this.make(name, look);
    return { name, cell, tile, look, label: look };
  }

  /** Writes what changed: the look (colour, order, whether CSS hides it) and, if asked, the label. */
  private write(drawn: Drawn<Cell>, look: string, withLabel: boolean): void {
    if (drawn.look !== look) {
      drawn.look = look;
      drawn.tile.setAttribute('data-look', look);
    }
    if (withLabel && drawn.label !== look) {
      drawn.label = look;
      drawn.tile.setAttribute('aria-label', labelOf(drawn.name, look));
    }
  }
}

/** The first position in an ascending list whose value is at least `value` (binary search). */
export function firstAtOrAbove(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
