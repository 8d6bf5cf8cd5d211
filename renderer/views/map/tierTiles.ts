import type { HostStatus } from '../../../shared/status/schema';
import { labelOf, newTile, tileLook } from './HostTile';

// The tiles of one tier of the map, made outside React: a batch that changes a thousand hosts'
// states must not re-render a thousand components. A folded tier (its OK and not-yet-polled hosts
// hidden) first makes the tiles of its problems only and keeps the other hosts' looks in
// JavaScript: at 10,000 hosts, making the 40,000 nodes of tiles nobody sees was most of the map's
// first paint. The rest are made when the tier unfolds, or in the page's idle time after the
// first frame (makeHidden), so that a host failing later finds its tile made. A hidden tile gets
// its look (CSS hides it: status.css) but its label only when it shows again, so a batch of
// recoveries writes one attribute per tile, not two. Tiles stay in file order, so Tab goes through
// them in the order of the fleet file.

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
  /** Where makeHidden goes on. */
  private nextToMake = 0;

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

  /** Makes the tiles of hidden hosts, in file order, while `hasTime()`; true while some remain. */
  makeHidden(hasTime: () => boolean): boolean {
    for (; this.nextToMake < this.hosts.length; this.nextToMake++) {
      if (this.drawn[this.nextToMake]) continue;
      if (!hasTime()) return true;
      this.insert(this.nextToMake);
    }
    return false;
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

/** Runs `work` in the page's idle time, slice after slice, until it returns false (nothing left);
 * returns what cancels it. Where the browser has no requestIdleCallback, slices of 5 ms. */
export function whenIdle(work: (hasTime: () => boolean) => boolean): () => void {
  if (typeof requestIdleCallback === 'function') {
    let handle = requestIdleCallback(function slice(deadline) {
      if (work(() => deadline.timeRemaining() > 1)) handle = requestIdleCallback(slice);
    });
    return () => cancelIdleCallback(handle);
  }
  let timer = setTimeout(function slice() {
    const end = performance.now() + 5;
    if (work(() => performance.now() < end)) timer = setTimeout(slice, 50);
  }, 50);
  return () => clearTimeout(timer);
}
