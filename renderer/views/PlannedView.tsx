import type { ReactNode } from 'react';
import { EmptyState } from '../parts/EmptyState';
import type { IconName } from '../parts/Icon';
import { isMacPlatform, Kbd } from '../parts/Kbd';
import { useAppStore } from '../state/react';
import { VIEWS, type ViewId } from '../state/ui';

// Terminals, Deploys and Releases before they exist: what each will do, and where it will start
// from. Each is replaced by its real view in its own issue.

interface Plan {
  icon: IconName;
  title: string;
  what: string;
  next: string;
}

const PLANS: Record<Exclude<ViewId, 'fleet' | 'events' | 'terminals' | 'run' | 'deploys'>, Plan> = {
  releases: {
    icon: 'releases',
    title: 'No release history yet',
    what: 'The releases on your hosts, from the console’s own records and from each host’s releases/ folder and revisions.log (so Capistrano deploys show too), with rollback to any release still on the hosts.',
    next: 'Open an app’s hosts from the Fleet view to see their releases.',
  },
};

export function PlannedView({ view }: { view: Exclude<ViewId, 'fleet' | 'events' | 'terminals' | 'run' | 'deploys'> }): ReactNode {
  const plan = PLANS[view];
  const showView = useAppStore((s) => s.showView);
  return (
    <div className="planned">
      <header className="view-header">
        <h1>{VIEWS.find((v) => v.id === view)?.label}</h1>
      </header>
      <EmptyState icon={plan.icon} title={plan.title} testId={`${view}-empty`}>
        <p>{plan.what}</p>
        <p>{plan.next}</p>
        <p className="muted">Not in this version yet: for now the Fleet view lists the hosts and where to reach them.</p>
        <button type="button" className="button" onClick={() => showView('fleet')}>
          Go to the Fleet view <Kbd keys={[isMacPlatform() ? '⌘' : 'Ctrl', '1']} />
        </button>
      </EmptyState>
    </div>
  );
}
