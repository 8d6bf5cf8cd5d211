import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { CoreLink } from './bind';
import type { AppState, AppStore } from './store';

// The store reaches components through a context (main.tsx creates it once), so a test or a
// second window can give a tree its own store. Components select narrowly:
//   const view = useAppStore((s) => s.view);
//   const info = useAppStore(useShallow((s) => ({ a: s.a, b: s.b })));

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }): ReactNode {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore: no StoreProvider above this component.');
  return useStore(store, selector);
}

/** The store itself, for event handlers that read state at the moment they run. */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStoreApi: no StoreProvider above this component.');
  return store;
}

// The client, for the few views that ask the core on demand (a host's graphs) rather than read
// streamed state.
const ClientContext = createContext<CoreLink | null>(null);

export function ClientProvider({ client, children }: { client: CoreLink; children: ReactNode }): ReactNode {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): CoreLink {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient: no ClientProvider above this component.');
  return client;
}
