import type { ReactNode } from 'react';
import { Icon, type IconName } from '../parts/Icon';
import { isMacPlatform } from '../parts/Kbd';
import { useAppStore } from '../state/react';
import { VIEWS, type ViewId } from '../state/ui';

// The left navigation: one button per view, the current one marked with aria-current.

const ICONS: Record<ViewId, IconName> = { fleet: 'fleet', events: 'events', terminals: 'terminal', run: 'run', deploys: 'deploy', releases: 'releases' };

export function NavBar(): ReactNode {
  const current = useAppStore((s) => s.view);
  const showView = useAppStore((s) => s.showView);
  const mac = isMacPlatform();
  return (
    <nav className="nav" role="navigation" aria-label="Views">
      <ul>
        {VIEWS.map((v) => {
          const chord = `${mac ? '⌘' : 'Ctrl+'}${v.digit}`;
          return (
            <li key={v.id}>
              <button
                type="button"
                className="nav-item"
                data-testid={`nav-${v.id}`}
                aria-label={v.label}
                aria-current={current === v.id ? 'page' : undefined}
                aria-keyshortcuts={`${mac ? 'Meta' : 'Control'}+${v.digit}`}
                title={`${v.label} (${chord})`}
                onClick={() => showView(v.id)}
              >
                <Icon name={ICONS[v.id]} />
                <span className="nav-label">{v.label}</span>
                <span className="nav-shortcut" aria-hidden="true">
                  {chord}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
