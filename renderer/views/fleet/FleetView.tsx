import { useDeferredValue, useMemo, type ReactNode } from 'react';
import { plural } from '../../parts/format';
import { fleetPhase } from '../../state/fleet';
import { groupFleet } from '../../state/fleetGroups';
import { useAppStore } from '../../state/react';
import { EnvironmentSection } from './EnvironmentSection';
import { BrokenFleetFile, EmptyFleet, NoFleetFile, NoMatch, WaitingForFleet } from './FleetEmptyStates';
import { FleetNotes } from './FleetNotes';
import { SourceProblemBanners } from './SourceProblemBanner';
import { HostView } from '../host/HostView';
import { ClusterMapView } from '../map/ClusterMapView';

// The fleet: every host of the fleet file, by environment and role, narrowed by the search box,
// as a health map (default) or a table; a host's page replaces it when one is open.

export function FleetView(): ReactNode {
  const openHost = useAppStore((s) => s.openHost);
  return openHost ? <HostView name={openHost} /> : <FleetOverview />;
}

function FleetOverview(): ReactNode {
  const snapshot = useAppStore((s) => s.snapshot);
  const search = useDeferredValue(useAppStore((s) => s.search));
  const layout = useAppStore((s) => s.fleetLayout);
  const setLayout = useAppStore((s) => s.setFleetLayout);
  const groups = useMemo(() => (snapshot && layout === 'list' ? groupFleet(snapshot, search) : null), [snapshot, search, layout]);
  const phase = fleetPhase(snapshot);

  return (
    <div className="fleet">
      <header className="view-header">
        <h1>Fleet</h1>
        {groups && phase === 'loaded' ? (
          <span className="muted" aria-live="polite">
            {search.trim()
              ? `${groups.matched} of ${plural(groups.total, 'host')} match`
              : `${plural(groups.total, 'host')} in ${plural(groups.environments.length, 'environment')}`}
          </span>
        ) : null}
        {phase === 'loaded' ? (
          <span className="layout-toggle" role="group" aria-label="Layout">
            <button type="button" className="button" data-testid="layout-map" aria-pressed={layout === 'map'} onClick={() => setLayout('map')}>
              Map
            </button>
            <button type="button" className="button" data-testid="layout-list" aria-pressed={layout === 'list'} onClick={() => setLayout('list')}>
              List
            </button>
          </span>
        ) : null}
      </header>
      <SourceProblemBanners />
      {phase === 'loaded' && snapshot?.notes ? <FleetNotes notes={snapshot.notes} /> : null}
      <FleetBody phase={phase} />
      {phase === 'loaded' && snapshot && layout === 'map' ? <ClusterMapView snapshot={snapshot} /> : null}
      {phase === 'loaded' && groups ? (
        groups.environments.length === 0 ? (
          <NoMatch search={search} />
        ) : (
          groups.environments.map((env) => <EnvironmentSection key={env.name} group={env} searching={search.trim() !== ''} />)
        )
      ) : null}
    </div>
  );
}

function FleetBody({ phase }: { phase: ReturnType<typeof fleetPhase> }): ReactNode {
  switch (phase) {
    case 'waiting':
      return <WaitingForFleet />;
    case 'no-file':
      return <NoFleetFile />;
    case 'broken':
      return <BrokenFleetFile />;
    case 'empty':
      return <EmptyFleet />;
    case 'loaded':
      return null;
  }
}
