import { useState, type ReactNode } from 'react';
import { EmptyState } from '../../parts/EmptyState';
import { Kbd } from '../../parts/Kbd';
import { useAppStore } from '../../state/react';
import { productionHosts } from '../../state/pickHosts';
import { visibleTabs } from '../../state/terminals';
import { HostStateDot } from './HostStateDot';
import { RecordingsPanel } from './RecordingsPanel';
import { RememberedLoginsPanel } from './RememberedLoginsPanel';
import { TerminalPane } from './TerminalPane';

// Terminal tabs, one shell each; split shows two side by side. The shells are the store's (one
// session per tab): panes come and go with this view and its panels, the shells run on.

export function TerminalsView(): ReactNode {
  const tabs = useAppStore((s) => s.tabs);
  const active = useAppStore((s) => s.activeTab);
  const split = useAppStore((s) => s.split);
  const activate = useAppStore((s) => s.activateTab);
  const close = useAppStore((s) => s.closeTab);
  const toggleSplit = useAppStore((s) => s.toggleSplit);
  const openPalette = useAppStore((s) => s.setPaletteOpen);
  const shown = visibleTabs(tabs, active, split);
  const [panel, setPanel] = useState<'recordings' | 'logins' | null>(null);
  if (panel === 'recordings') return <RecordingsPanel onClose={() => setPanel(null)} />;
  if (panel === 'logins') return <RememberedLoginsPanel onClose={() => setPanel(null)} />;
  const panelButtons = (
    <>
      <button type="button" className="button" data-testid="show-recordings" onClick={() => setPanel('recordings')}>
        Recordings
      </button>{' '}
      <button type="button" className="button" data-testid="show-remembered-logins" onClick={() => setPanel('logins')}>
        Remembered logins
      </button>
    </>
  );
  if (tabs.length === 0) {
    return (
      <EmptyState icon="terminal" title="No terminal open">
        <p>
          Open a shell from a host's page, by double-clicking its tile on the map, or with <Kbd keys={['Ctrl', 'K']} /> and its name.
        </p>
        <p>
          <button type="button" className="button" data-testid="open-palette" onClick={() => openPalette(true)}>
            Open a shell…
          </button>{' '}
          <RecordToggle /> {panelButtons}
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="terminals">
      <div className="terminal-tabs" role="tablist" aria-label="Terminals">
        {tabs.map((t) => (
          <TabButton key={t.id} id={t.id} host={t.host} selected={t.id === active} onSelect={() => activate(t.id)} onClose={() => close(t.id)} />
        ))}
        <button type="button" className="button" title="Open a shell on another host (Ctrl+K)" onClick={() => openPalette(true)}>
          +
        </button>
        <RecordToggle />
        {panelButtons}
        <button type="button" className="button" data-testid="terminal-split" aria-pressed={split} onClick={toggleSplit}>
          Split
        </button>
      </div>
      <div className={shown.length > 1 ? 'terminal-panes terminal-panes-split' : 'terminal-panes'}>
        {tabs.map((t) => (
          <TerminalPane key={t.id} tab={t.id} host={t.host} visible={shown.includes(t.id)} active={t.id === active} split={shown.length > 1} />
        ))}
      </div>
    </div>
  );
}

function RecordToggle(): ReactNode {
  const on = useAppStore((s) => s.recordNew);
  const set = useAppStore((s) => s.setRecordNew);
  return (
    <label className="record-toggle" title="Save the output of new terminals as asciicast v2 recordings, in the console's data folder">
      <input type="checkbox" data-testid="record-new" checked={on} onChange={(e) => set(e.target.checked)} /> Record new terminals
    </label>
  );
}

function TabButton({
  id,
  host,
  selected,
  onSelect,
  onClose,
}: {
  id: string;
  host: string;
  selected: boolean;
  onSelect: () => void;
  onClose: () => void;
}): ReactNode {
  // The tab shows its host's health, like the map does, and whether it receives broadcast input.
  const joined = useAppStore((s) => s.broadcast[id] === true);
  const toggle = useAppStore((s) => s.toggleBroadcast);
  const hostInfo = useAppStore((s) => s.snapshot?.hosts.find((h) => h.name === host));
  const join = (): void => {
    // Typing into production by accident is what broadcast makes easy: ask first.
    if (!joined && hostInfo && productionHosts([hostInfo]).length > 0 && !window.confirm(`${host} is a production host. Send broadcast input to it too?`)) return;
    toggle(id);
  };
  return (
    <span className={`terminal-tab${selected ? ' terminal-tab-selected' : ''}${joined ? ' terminal-tab-broadcast' : ''}`} data-testid="terminal-tab" data-host={host} data-tab={id} data-broadcast={joined}>
      <button type="button" role="tab" aria-selected={selected} onClick={onSelect}>
        <HostStateDot host={host} /> {host}
      </button>
      <button type="button" className="terminal-tab-cast" data-testid="broadcast-toggle" aria-pressed={joined} title={joined ? 'Stop sending broadcast input here' : 'Join the broadcast: input typed in any joined terminal goes to all of them'} onClick={join}>
        {joined ? '◉' : '○'}
      </button>
      <button type="button" className="terminal-tab-close" aria-label={`Close the terminal on ${host}`} onClick={onClose}>
        ×
      </button>
    </span>
  );
}
