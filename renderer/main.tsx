import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToCore } from './client';
import { startNotifier } from './notifications';
import { bindClient } from './state/bind';
import { ClientProvider, StoreProvider } from './state/react';
import { createAppStore } from './state/store';
import { TerminalSession } from './terminals/terminalSession';
import { viewFromHash } from './state/ui';
import { App } from './views/App';
import './styles/tokens.css';
import './styles/app.css';
import './styles/status.css';
import './styles/terminals.css';

// The page's entry: one client, one store, bound together for the page's lifetime, then the app.

const client = connectToCore();
const store = createAppStore({
  view: viewFromHash(window.location.hash),
  openSession: (tab, events) => new TerminalSession(client, tab, events),
});
bindClient(client, store);
startNotifier(store);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <ClientProvider client={client}>
        <App />
      </ClientProvider>
    </StoreProvider>
  </StrictMode>,
);
