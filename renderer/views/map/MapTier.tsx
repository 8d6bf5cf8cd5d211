import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { plural } from '../../parts/format';
import { FOLD_ABOVE, type MapEnvironment, type MapTier } from '../../state/clusterMap';
import { parseTallyKey, tallyKey, type Tally } from '../../state/hostTally';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { StateCounts } from './StateChips';
import { TierTiles, whenIdle } from './tierTiles';

/** Each host's tier, for the map's one subscription that updates the tiles. */
export type TierRegistry = Map<string, TierTiles>;

// An environment of the map and its tiers. A tier of up to FOLD_ABOVE hosts shows them all. A
// bigger one (an app tier of 2,000) is folded: a bar of its hosts by state, its problems as tiles,
// and "Show 1,980 OK hosts" for the rest, so the few red tiles are the first thing seen. The
// tiles of its hidden hosts are made when it unfolds (tierTiles.ts); folding again hides them
// with CSS (data-folded on the tier) and removes no element.

export function MapEnvironmentSection({ env, tiles }: { env: MapEnvironment; tiles: TierRegistry }): ReactNode {
  return (
    <section className="map-env" data-testid="map-env" data-env={env.name} aria-label={`${env.name}: ${plural(env.total, 'host')}`}>
      <header className="map-env-header">
        <h2>{env.name}</h2>
        <span className="muted">{plural(env.total, 'host')}</span>
        <StateCounts hosts={env.hosts} />
      </header>
      {env.tiers.map((tier) => (
        <MapTierRow key={tier.role} tier={tier} tiles={tiles} />
      ))}
    </section>
  );
}

function MapTierRow({ tier, tiles }: { tier: MapTier; tiles: TierRegistry }): ReactNode {
  const store = useAppStoreApi();
  const list = useRef<HTMLUListElement>(null);
  const folds = tier.hosts.length > FOLD_ABOVE;
  const [unfolded, setUnfolded] = useState(false);
  // Showing OK hosts (the state chip) shows them in every tier.
  const okChosen = useAppStore((s) => s.stateFilter === 'OK');
  const showAll = !folds || unfolded || okChosen;
  const drawn = useRef<TierTiles | null>(null);
  useLayoutEffect(() => {
    // Made folded; the effect below unfolds it if it shows all.
    const listEl = list.current!;
    const tierTiles = new TierTiles<HTMLLIElement>(listEl, tier.hosts, store.getState().statuses, true);
    for (const name of tier.hosts) tiles.set(name, tierTiles);
    drawn.current = tierTiles;
    return () => {
      for (const name of tier.hosts) if (tiles.get(name) === tierTiles) tiles.delete(name);
      drawn.current = null;
      listEl.replaceChildren();
    };
  }, [tier.hosts, store, tiles]);
  // After the one above (declared after it), and again whenever it made the tiles anew.
  useLayoutEffect(() => drawn.current?.setFolded(!showAll), [showAll, tier.hosts]);
  // The hidden hosts' tiles after the first frame, when the page has nothing else to do.
  useEffect(() => {
    const tierTiles = drawn.current;
    return tierTiles ? whenIdle((hasTime) => tierTiles.makeHidden(hasTime)) : undefined;
  }, [tier.hosts]);
  return (
    <div className="map-tier" data-testid="map-tier" data-role={tier.role} data-folded={!showAll}>
      <div className="map-tier-label">
        <span className="map-tier-role">{tier.role}</span>
        {folds ? <TierSummary hosts={tier.hosts} /> : <StateCounts hosts={tier.hosts} compact />}
      </div>
      <div className="map-tier-body">
        {/* Its items are TierTiles', never React's. */}
        <ul ref={list} className="map-tiles" aria-label={`${tier.role} hosts`} />
        {tier.hosts.length === 0 ? <p className="muted map-empty">no hosts</p> : null}
        {folds && !okChosen ? <FoldToggle hosts={tier.hosts} role={tier.role} unfolded={unfolded} toggle={() => setUnfolded(!unfolded)} /> : null}
      </div>
    </div>
  );
}

function useTierCounts(hosts: readonly string[]): Tally {
  return parseTallyKey(useAppStore((s) => tallyKey(hosts, s)));
}

const SEGMENTS = [
  ['CRITICAL', 'critical'],
  ['WARNING', 'warning'],
  ['UNKNOWN', 'unknown'],
  ['OK', 'ok'],
  ['PENDING', 'pending'],
] as const;

/** A folded tier's hosts by state: a bar whose parts are as wide as their shares, and the numbers. */
function TierSummary({ hosts }: { hosts: readonly string[] }): ReactNode {
  const counts = useTierCounts(hosts);
  const said = SEGMENTS.filter(([state]) => counts[state] > 0).map(([state, word]) => `${counts[state].toLocaleString('en')} ${state === 'PENDING' ? 'not polled yet' : word}`);
  return (
    <>
      <span className="tier-bar" role="img" data-testid="tier-bar" aria-label={said.join(', ')} title={said.join(', ')}>
        {SEGMENTS.map(([state, word]) => (counts[state] > 0 ? <span key={state} className={`tier-bar-part state-${word}`} style={{ flexGrow: counts[state] }} /> : null))}
      </span>
      <span className="tier-counts" data-testid="tier-counts">
        {SEGMENTS.filter(([state]) => state !== 'OK' && state !== 'PENDING' && counts[state] > 0).map(([state, word]) => (
          <span key={state} className={`state-count state-${word}`}>
            {counts[state].toLocaleString('en')} {word}
          </span>
        ))}
      </span>
    </>
  );
}

/** "Show 1,980 OK hosts" under a folded tier's problems; "Show only the problems" once unfolded. */
function FoldToggle({ hosts, role, unfolded, toggle }: { hosts: readonly string[]; role: string; unfolded: boolean; toggle: () => void }): ReactNode {
  const counts = useTierCounts(hosts);
  const rest = counts.OK + counts.PENDING;
  const what = counts.PENDING === 0 ? 'OK' : counts.OK === 0 ? 'not yet polled' : 'OK or not yet polled';
  if (!unfolded && rest === 0) return null;
  const text = `${unfolded ? 'Hide' : 'Show'} ${rest.toLocaleString('en')} ${what} ${rest === 1 ? 'host' : 'hosts'}`;
  return (
    <button type="button" className="link map-fold" data-testid="tier-fold" aria-expanded={unfolded} aria-label={`${text} of ${role}`} onClick={toggle}>
      {text}
    </button>
  );
}
