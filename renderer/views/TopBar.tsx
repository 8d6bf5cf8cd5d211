import type { ReactNode } from 'react';
import { Icon } from '../parts/Icon';
import { firstMatch } from '../state/fleetGroups';
import { useAppStore, useAppStoreApi } from '../state/react';
import { SEARCH_INPUT_ID } from './useShell';

// The title and the host search. The search filters the fleet view by name, address, role,
// environment and label; Enter opens the host it names (or the first it matches); Escape clears it.

export function TopBar(): ReactNode {
  const search = useAppStore((s) => s.search);
  const setSearch = useAppStore((s) => s.setSearch);
  const store = useAppStoreApi();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Fleetdeck</span>
      </div>
      <div className="search" role="search">
        <Icon name="search" className="search-icon" />
        <input
          id={SEARCH_INPUT_ID}
          data-testid="host-search"
          type="search"
          aria-label="Search hosts"
          placeholder="Search hosts by name, address, role, label"
          autoComplete="off"
          spellCheck={false}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setSearch('');
              e.currentTarget.blur();
            } else if (e.key === 'Enter') {
              const { snapshot, showHost } = store.getState();
              const host = snapshot ? firstMatch(snapshot, search) : null;
              if (host) showHost(host);
            }
          }}
        />
        {search === '' ? (
          <kbd className="search-hint" aria-hidden="true">
            /
          </kbd>
        ) : null}
      </div>
    </header>
  );
}
