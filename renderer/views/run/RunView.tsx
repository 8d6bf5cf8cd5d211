import { useState, type ReactNode } from 'react';
import { LogsPanel } from './LogsPanel';
import { RunPanel } from './RunPanel';

// Commands and log tails on many hosts, each over the host's pooled SSH connection.

export function RunView(): ReactNode {
  const [tab, setTab] = useState<'command' | 'logs'>('command');
  return (
    <div className="run-view" data-testid="run-view">
      <header className="view-header">
        <h1>Run</h1>
        <span className="layout-toggle" role="tablist" aria-label="Run">
          <button type="button" role="tab" className="button" data-testid="run-tab-command" aria-selected={tab === 'command'} aria-pressed={tab === 'command'} onClick={() => setTab('command')}>
            Command
          </button>
          <button type="button" role="tab" className="button" data-testid="run-tab-logs" aria-selected={tab === 'logs'} aria-pressed={tab === 'logs'} onClick={() => setTab('logs')}>
            Logs
          </button>
        </span>
      </header>
      <div hidden={tab !== 'command'}>
        <RunPanel />
      </div>
      <div hidden={tab !== 'logs'}>
        <LogsPanel />
      </div>
    </div>
  );
}
