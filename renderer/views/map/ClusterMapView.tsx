import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, type ReactNode, type SyntheticEvent } from 'react';
import type { FleetSnapshot } from '../../../shared/fleet/model';
import { clusterMap } from '../../state/clusterMap';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { MapEnvironmentSection, type TierRegistry } from './MapTier';
import { MapTooltip } from './MapTooltip';
import { StateChips } from './StateChips';

// The cluster map: environments, their roles as tiers in traffic order, hosts as tiles coloured
// by their worst state, problems first; a big tier shows its problems and folds the rest (see
// MapTier.tsx). The structure depends on the fleet and the search only; the tiles follow their
// hosts' states outside React (tierTiles.ts) and sort themselves with CSS order, and each count
// selects its own numbers, so a batch of changes re-renders only a few numbers.

/** How long a click on a tile waits for a second one. */
const DOUBLE_CLICK_MS = 250;

export function ClusterMapView({ snapshot }: { snapshot: FleetSnapshot }): ReactNode {
  const search = useDeferredValue(useAppStore((s) => s.search));
  const stateFilter = useAppStore((s) => s.stateFilter);
  const map = useMemo(() => clusterMap(snapshot, search), [snapshot, search]);
  const store = useAppStoreApi();
  const tiles = useRef<TierRegistry>(new Map());
  const pendingClick = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (pendingClick.current && clearTimeout(pendingClick.current)), []);
  useEffect(markFirstPaint, []);
  // One subscription for every tile: the hosts the batch touched get their new look. A layout
  // effect, as the tiers' own that draw the tiles, so that no batch falls between the two.
  useLayoutEffect(
    () =>
      store.subscribe((state, previous) => {
        if (state.statusVersion === previous.statusVersion) return;
        const { statuses, statusChanged } = state;
        if (statusChanged === null) for (const tier of new Set(tiles.current.values())) tier.updateAll(statuses);
        else for (const name of statusChanged) tiles.current.get(name)?.update(name, statuses[name]);
      }),
    [store],
  );
  const hostOf = (e: SyntheticEvent): { name: string; el: HTMLElement } | null => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-testid="host-tile"]');
    return el?.dataset.host ? { name: el.dataset.host, el } : null;
  };
  const hover = (e: SyntheticEvent): void => {
    const hit = hostOf(e);
    if (!hit) return store.getState().setHover(null);
    const r = hit.el.getBoundingClientRect();
    if (store.getState().hover?.host !== hit.name) store.getState().setHover({ host: hit.name, x: r.left, y: r.bottom });
  };
  // The state filter hides tiles with CSS: choosing a chip re-renders no tile.
  return (
    <div
      className="cluster-map"
      data-testid="cluster-map"
      data-filter={stateFilter ?? undefined}
      onClick={(e) => {
        const hit = hostOf(e);
        if (!hit || e.detail > 1) return;
        // A mouse click waits out a double-click (which opens a shell instead): the host page would
        // otherwise replace the map before the second click. Enter or Space (detail 0) go at once.
        if (e.detail === 0) return store.getState().showHost(hit.name);
        if (pendingClick.current) clearTimeout(pendingClick.current);
        pendingClick.current = setTimeout(() => store.getState().showHost(hit.name), DOUBLE_CLICK_MS);
      }}
      onDoubleClick={(e) => {
        const hit = hostOf(e);
        if (pendingClick.current) clearTimeout(pendingClick.current);
        pendingClick.current = null;
        if (hit) store.getState().openTerminal(hit.name);
      }}
      onMouseOver={hover}
      onFocus={hover}
      onMouseLeave={() => store.getState().setHover(null)}
      onBlur={() => store.getState().setHover(null)}
    >
      <StateChips hosts={map.hosts} />
      {map.environments.length === 0 ? <p className="muted map-none">No host matches.</p> : null}
      {map.environments.map((env) => (
        <MapEnvironmentSection key={env.name} env={env} tiles={tiles.current} />
      ))}
      <MapTooltip />
    </div>
  );
}

/**
 * Marks (User Timing "fleetdeck:map-painted") the first frame that shows the map: the task after
 * the animation frame that follows its first commit. The UI benchmark reads it.
 */
function markFirstPaint(): () => void {
  if (typeof performance === 'undefined' || performance.getEntriesByName('fleetdeck:map-painted').length > 0) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => (timer = setTimeout(() => performance.mark('fleetdeck:map-painted'))));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
