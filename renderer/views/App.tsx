import type { ReactNode } from 'react';
import { useAppStore } from '../state/react';
import { ConnectionBanner } from './ConnectionBanner';
import { DeploysView } from './deploys/DeploysView';
import { ReleasesView } from './deploys/ReleasesView';
import { EventsView } from './EventsView';
import { CurrentFleetProblem } from './fleet/FleetProblemBanner';
import { RunView } from './run/RunView';
import { FleetView } from './fleet/FleetView';
import { NavBar } from './NavBar';
import { StatusBar } from './StatusBar';
import { QuestionDialog } from './terminals/QuestionDialog';
import { QuickOpen, useQuickOpenShortcut } from './terminals/QuickOpen';
import { TerminalsView } from './terminals/TerminalsView';
import { TopBar } from './TopBar';
import { useDocumentTitle, useLeaveWarning, useViewHash, useViewShortcuts } from './useShell';

// The console's frame: the top bar (title, host search), the navigation on the left, the current
// view, and the status bar (the core, the fleet file). Later views slot into CurrentView.

export function App(): ReactNode {
  useViewShortcuts();
  useViewHash();
  useDocumentTitle();
  useLeaveWarning();
  useQuickOpenShortcut();
  const disconnected = useAppStore((s) => s.connection.status === 'disconnected');
  return (
    <div className="shell">
      <TopBar />
      <NavBar />
      <main className="content" id="main" aria-busy={disconnected}>
        <ConnectionBanner />
        <CurrentFleetProblem />
        <div className={disconnected ? 'view view-stale' : 'view'}>
          <CurrentView />
        </div>
      </main>
      <StatusBar />
      <QuickOpen />
      <QuestionDialog />
    </div>
  );
}

function CurrentView(): ReactNode {
  const view = useAppStore((s) => s.view);
  if (view === 'fleet') return <FleetView />;
  if (view === 'events') return <EventsView />;
  if (view === 'run') return <RunView />;
  if (view === 'deploys') return <DeploysView />;
  // The shells are the store's: they run on, scrollback and all, while another view is shown.
  if (view === 'terminals') return <TerminalsView />;
  return <ReleasesView />;
}
