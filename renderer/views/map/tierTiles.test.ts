import { describe, expect, it } from 'vitest';
import type { HostStatus } from '../../../shared/status/schema';
import { firstAtOrAbove, TierTiles, type TileElement, type TileList } from './tierTiles';

const status = (host: string, state: HostStatus['state'], extra: Partial<HostStatus> = {}): HostStatus => ({ host, state, hard: true, stale: false, lastPoll: 1, summary: '', checks: [], latest: {}, ...extra });

/** A tile that records its attributes and how many writes it took. */
class FakeTile implements TileElement {
  readonly attributes = new Map<string, string>();
  writes = 0;
  constructor(readonly name: string) {}
  setAttribute(name: string, value: string): void {
    this.writes++;
    this.attributes.set(name, value);
  }
}

/** A list whose cells are the tiles themselves, in order. */
class FakeList implements TileList<FakeTile> {
  cells: FakeTile[] = [];
  insertBefore(cell: FakeTile, before: FakeTile | null): void {
    this.cells.splice(before ? this.cells.indexOf(before) : this.cells.length, 0, cell);
  }
  replaceChildren(...cells: FakeTile[]): void {
    this.cells = cells;
  }
}

function tier(names: string[], statuses: Record<string, HostStatus>, folded: boolean, focused: string | null = null) {
  const list = new FakeList();
  const made: FakeTile[] = [];
  const tiles = new TierTiles<FakeTile>(
    list,
    names,
    statuses,
    folded,
    (name, look) => {
      const tile = new FakeTile(name);
      tile.setAttribute('data-look', look);
      tile.setAttribute('aria-label', `${name}: ${look.toLowerCase()}`);
      made.push(tile);
      return { cell: tile, tile };
    },
    (tile) => (tile as FakeTile).name === focused,
  );
  const shown = (): string[] => list.cells.map((t) => t.name);
  const tile = (name: string): FakeTile => made.find((t) => t.name === name)!;
  return { tiles, list, made, shown, tile };
}

describe('TierTiles', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];

  it('makes no tile for the hidden hosts of a folded tier, and makes them, in file order, when it unfolds', () => {
    const t = tier(names, { b: status('b', 'CRITICAL'), d: status('d', 'WARNING', { hard: false }), e: status('e', 'OK') }, true);
    expect(t.shown()).toEqual(['b', 'd']);
    expect(t.made).toHaveLength(2);
    t.tiles.setFolded(false);
    expect(t.shown()).toEqual(names);
    expect(t.tile('a').attributes.get('data-look')).toBe('PENDING');
    expect(t.tile('d').attributes.get('data-look')).toBe('WARNING soft');
    expect(t.tile('e').attributes.get('aria-label')).toBe('e: ok');
  });

  it('a hidden host that fails gets its tile in file order; one that recovers keeps it, hidden by its look, and its label waits until it shows', () => {
    const t = tier(names, { b: status('b', 'CRITICAL') }, true);
    t.tiles.update('d', status('d', 'CRITICAL'));
    t.tiles.update('a', status('a', 'UNKNOWN'));
    t.tiles.update('c', status('c', 'OK'));
    expect(t.shown()).toEqual(['a', 'b', 'd']);
    expect(t.made.map((m) => m.name)).toEqual(['b', 'd', 'a']);

    const b = t.tile('b');
    const writes = b.writes;
    t.tiles.update('b', status('b', 'OK'));
    // One write: the look that hides it.
    expect(b.writes).toBe(writes + 1);
    expect(b.attributes.get('data-look')).toBe('OK');
    expect(b.attributes.get('aria-label')).toBe('b: critical');
    expect(t.shown()).toEqual(['a', 'b', 'd']);
    t.tiles.setFolded(false);
    expect(b.attributes.get('aria-label')).toBe('b: ok');
    expect(t.shown()).toEqual(names);
  });

  it('a tile that recovers while it has the focus keeps showing, so its label follows too', () => {
    const t = tier(names, { b: status('b', 'CRITICAL') }, true, 'b');
    t.tiles.update('b', status('b', 'OK'));
    expect(t.tile('b').attributes.get('aria-label')).toBe('b: ok');
  });

  it('an unfolded tier makes every tile and writes each change whole; an unchanged look writes nothing', () => {
    const t = tier(names, {}, false);
    expect(t.shown()).toEqual(names);
    const c = t.tile('c');
    t.tiles.update('c', status('c', 'OK', { stale: true }));
    expect(c.attributes.get('data-look')).toBe('OK stale');
    expect(c.attributes.get('aria-label')).toBe('c: ok stale');
    const writes = c.writes;
    t.tiles.update('c', status('c', 'OK', { stale: true, summary: 'new sample' }));
    t.tiles.update('zz', status('zz', 'CRITICAL'));
    expect(c.writes).toBe(writes);
    // Folding again removes nothing: CSS hides the OK tiles.
    t.tiles.setFolded(true);
    t.tiles.update('c', status('c', 'OK'));
    expect(t.shown()).toEqual(names);
    expect(c.attributes.get('data-look')).toBe('OK');
  });

  it('updateAll follows a full batch', () => {
    const t = tier(names, {}, true);
    t.tiles.updateAll({ a: status('a', 'CRITICAL'), e: status('e', 'CRITICAL'), c: status('c', 'OK') });
    expect(t.shown()).toEqual(['a', 'e']);
    expect(t.tiles.tileCount).toBe(2);
  });
});

describe('firstAtOrAbove', () => {
  it('finds where a value goes in an ascending list', () => {
    expect(firstAtOrAbove([], 3)).toBe(0);
    expect(firstAtOrAbove([1, 3, 5], 0)).toBe(0);
    expect(firstAtOrAbove([1, 3, 5], 3)).toBe(1);
    expect(firstAtOrAbove([1, 3, 5], 4)).toBe(2);
    expect(firstAtOrAbove([1, 3, 5], 9)).toBe(3);
  });
});

describe('TierTiles.makeHidden', () => {
  it('makes the hidden hosts\' tiles in file order, as much as there is time for, and says whether some remain', () => {
    const list = new FakeList();
    const tiles = new TierTiles<FakeTile>(list, ['a', 'b', 'c', 'd'], { c: status('c', 'CRITICAL'), d: status('d', 'OK') }, true, (name, look) => {
      const tile = new FakeTile(name);
      tile.setAttribute('data-look', look);
      return { cell: tile, tile };
    });
    expect(list.cells.map((t) => t.name)).toEqual(['c']);
    let budget = 1;
    expect(tiles.makeHidden(() => budget-- > 0)).toBe(true);
    expect(list.cells.map((t) => t.name)).toEqual(['a', 'c']);
    expect(tiles.makeHidden(() => true)).toBe(false);
    expect(list.cells.map((t) => [t.name, t.attributes.get('data-look')])).toEqual([['a', 'PENDING'], ['b', 'PENDING'], ['c', 'CRITICAL'], ['d', 'OK']]);
    // Made hidden, they follow their hosts like any tile.
    tiles.update('d', status('d', 'CRITICAL'));
    expect(list.cells.find((t) => t.name === 'd')!.attributes.get('data-look')).toBe('CRITICAL');
    expect(tiles.tileCount).toBe(4);
  });
});
