import { useDeferredValue, useMemo, type ReactNode } from 'react';
import type { FleetSnapshot } from '../../../shared/fleet/model';
import { plural } from '../../parts/format';
import { clusterMap, type MapEnvironment } from '../../state/clusterMap';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { HostTile } from './HostTile';
import { MapTooltip } from './MapTooltip';
import { StateChips, StateCounts } from './StateChips';

// The cluster map: environments, their roles as tiers in traffic order, hosts as tiles coloured
// by their worst state. The layout is recomputed only when a host's state changes (stateVersion);
// each tile selects its own host, so a new sample re-renders nothing but that tile.

export function ClusterMapView({ snapshot }: { snapshot: FleetSnapshot }): ReactNode {
  const search = useDeferredValue(useAppStore((s) => s.search));
  const stateFilter = useAppStore((s) => s.stateFilter);
  const stateVersion = useAppStore((s) => s.stateVersion);
  const store = useAppStoreApi();
  const map = useMemo(
    () => clusterMap(snapshot, store.getState().statuses, search, stateFilter),
    // stateVersion stands for the statuses the layout depends on (read from the store above).
    [snapshot, search, stateFilter, stateVersion, store],
  );
  return (
    <div className="cluster-map" data-testid="cluster-map">
      <StateChips counts={map.counts} />
      {map.environments.length === 0 ? <p className="muted map-none">No host {stateFilter ? `is ${stateFilter}` : 'matches'}.</p> : null}
      {map.environments.map((env) => (
        <MapEnvironmentSection key={env.name} env={env} />
      ))}
      <MapTooltip />
    </div>
  );
}

function MapEnvironmentSection({ env }: { env: MapEnvironment }): ReactNode {
  return (
    <section className="map-env" data-testid="map-env" data-env={env.name} aria-label={`${env.name}: ${plural(env.total, 'host')}`}>
      <header className="map-env-header">
        <h2>{env.name}</h2>
        <span className="muted">{plural(env.total, 'host')}</span>
        <StateCounts counts={env.counts} />
      </header>
      {env.tiers.map((tier) => (
        <div key={tier.role} className="map-tier" data-testid="map-tier" data-role={tier.role}>
          <div className="map-tier-label">
            <span className="map-tier-role">{tier.role}</span>
            <StateCounts counts={tier.counts} compact />
          </div>
          <ul className="map-tiles" aria-label={`${tier.role} hosts`}>
            {tier.hosts.map((name) => (
              <HostTile key={name} name={name} />
            ))}
            {tier.hosts.length === 0 ? <li className="muted map-empty">no hosts</li> : null}
          </ul>
        </div>
      ))}
    </section>
  );
}
