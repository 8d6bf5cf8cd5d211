import { useCallback, useDeferredValue, useEffect, useMemo, useRef, type ReactNode, type SyntheticEvent } from 'react';
import type { FleetSnapshot } from '../../../shared/fleet/model';
import { plural } from '../../parts/format';
import { clusterMap, type MapEnvironment } from '../../state/clusterMap';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { applyLook, HostTile } from './HostTile';
import { MapTooltip } from './MapTooltip';
import { StateChips, StateCounts } from './StateChips';

// The cluster map: environments, their roles as tiers in traffic order, hosts as tiles coloured
// by their worst state, problems first. The structure depends on the fleet and the search only;
// each tile selects its own host's state (and sorts itself with CSS order), and each count
// selects its own numbers, so a batch of changes re-renders only the tiles that changed.

/** How long a click on a tile waits for a second one. */
const DOUBLE_CLICK_MS = 250;

export function ClusterMapView({ snapshot }: { snapshot: FleetSnapshot }): ReactNode {
  const search = useDeferredValue(useAppStore((s) => s.search));
  const stateFilter = useAppStore((s) => s.stateFilter);
  const map = useMemo(() => clusterMap(snapshot, search), [snapshot, search]);
  const store = useAppStoreApi();
  const tiles = useRef(new Map<string, HTMLButtonElement>());
  const pendingClick = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (pendingClick.current && clearTimeout(pendingClick.current)), []);
  useEffect(markFirstPaint, []);
  const register = useCallback((name: string, el: HTMLButtonElement | null) => {
    if (el) tiles.current.set(name, el);
    else tiles.current.delete(name);
  }, []);
  // One subscription for every tile: the hosts whose status object changed get their new look.
  useEffect(
    () =>
      store.subscribe((state, previous) => {
        if (state.statuses === previous.statuses) return;
        for (const [name, el] of tiles.current) {
          const status = state.statuses[name];
          if (status !== previous.statuses[name]) applyLook(el, name, status);
        }
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
        <MapEnvironmentSection key={env.name} env={env} register={register} />
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

function MapEnvironmentSection({ env, register }: { env: MapEnvironment; register: (name: string, el: HTMLButtonElement | null) => void }): ReactNode {
  const store = useAppStoreApi();
  const statuses = store.getState().statuses;
  return (
    <section className="map-env" data-testid="map-env" data-env={env.name} aria-label={`${env.name}: ${plural(env.total, 'host')}`}>
      <header className="map-env-header">
        <h2>{env.name}</h2>
        <span className="muted">{plural(env.total, 'host')}</span>
        <StateCounts hosts={env.hosts} />
      </header>
      {env.tiers.map((tier) => (
        <div key={tier.role} className="map-tier" data-testid="map-tier" data-role={tier.role}>
          <div className="map-tier-label">
            <span className="map-tier-role">{tier.role}</span>
            <StateCounts hosts={tier.hosts} compact />
          </div>
          <ul className="map-tiles" aria-label={`${tier.role} hosts`}>
            {tier.hosts.map((name) => (
              <HostTile key={name} name={name} status={statuses[name]} register={register} />
            ))}
            {tier.hosts.length === 0 ? <li className="muted map-empty">no hosts</li> : null}
          </ul>
        </div>
      ))}
    </section>
  );
}
