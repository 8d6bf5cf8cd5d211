import type { ReactNode } from 'react';
import type { AppSummary } from '../../../shared/fleet/model';
import { EmptyState } from '../../parts/EmptyState';
import type { IconName } from '../../parts/Icon';
import { useAppStore } from '../../state/react';

// The frame of the Deploys and Releases views: the fleet file's apps to choose from, or what to
// write in the fleet file when it names none.

/** One empty list for every render before the fleet arrives: a selector that returned a new []
 * each time made React re-render without end ("Maximum update depth exceeded"). */
const NO_APPS: readonly AppSummary[] = [];

export function AppView({
  title,
  icon,
  testId,
  children,
}: {
  title: string;
  icon: IconName;
  testId: string;
  children: (app: AppSummary) => ReactNode;
}): ReactNode {
  const apps = useAppStore((s) => s.snapshot?.apps ?? NO_APPS);
  const loaded = useAppStore((s) => s.snapshot !== null);
  const selected = useAppStore((s) => s.deployApp);
  const selectApp = useAppStore((s) => s.selectApp);
  const app = apps.find((a) => a.name === selected) ?? apps[0];
  // Not "no app" before the fleet file has even arrived.
  if (!loaded) return null;
  if (!app) {
    return (
      <EmptyState icon={icon} title="No app in the fleet file">
        <p>
          Name your apps in the fleet file under <code>apps:</code> — roles, <code>deploy_to</code>, a git <code>source</code>, <code>restart</code>, a
          <code> health</code> URL and <code>waves</code> (see the README) — and they appear here.
        </p>
      </EmptyState>
    );
  }
  return (
    <div data-testid={testId}>
      <header className="view-header">
        <h1>{title}</h1>
        <select className="input" aria-label="App" value={app.name} onChange={(e) => selectApp(e.target.value)} data-testid="app-select">
          {apps.map((a) => (
            <option key={a.name}>{a.name}</option>
          ))}
        </select>
      </header>
      {children(app)}
    </div>
  );
}
