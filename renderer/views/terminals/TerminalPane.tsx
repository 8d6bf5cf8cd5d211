import { useEffect, useRef, type ReactNode } from 'react';
import { useAppStore } from '../../state/react';
import { HostStateDot } from './HostStateDot';

// One tab's shell on the screen. The shell itself (xterm.js, its stream, input, resizes) is the
// tab's TerminalSession, which the store owns: the pane attaches it to its box while mounted and
// detaches it on unmount, which leaves the shell running and its scrollback whole.

interface TerminalPaneProps {
  tab: string;
  host: string;
  visible: boolean;
  /** The selected tab: it has the keyboard. */
  active: boolean;
  /** Shown beside another: then titled with its host. */
  split: boolean;
}

export function TerminalPane({ tab, host, visible, active, split }: TerminalPaneProps): ReactNode {
  const session = useAppStore((s) => s.sessionOf(tab));
  const activate = useAppStore((s) => s.activateTab);
  const reconnect = useAppStore((s) => s.reconnectTab);
  const setSearching = useAppStore((s) => s.setSearching);
  const shell = useAppStore((s) => s.shells[tab]);
  const inView = useAppStore((s) => s.view === 'terminals');
  const focusRequests = useAppStore((s) => s.focusRequests);
  const joined = useAppStore((s) => s.broadcast[tab] === true);
  const groupSize = useAppStore((s) => Object.keys(s.broadcast).length);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!session || !box.current) return;
    const attachment = session.attach(box.current);
    return () => attachment.dispose();
  }, [session]);

  // Typing goes to the selected shell: after a tab is picked (even the one in front), a shell
  // opened, the split toggled (whose button would otherwise keep the focus, and take the next
  // Enter as a click), or on coming back to the Terminals view.
  useEffect(() => {
    if (active && visible && inView) session?.focus();
  }, [session, active, visible, inView, focusRequests]);

  useEffect(() => {
    if (visible) session?.fitToBox();
  }, [session, visible]);

  const ended = shell?.ended ?? null;
  return (
    <div
      className={`terminal-pane${joined ? ' terminal-pane-broadcast' : ''}${split && active ? ' terminal-pane-active' : ''}`}
      data-testid="terminal-pane"
      data-host={host}
      data-tab={tab}
      data-active={active}
      data-ended={ended !== null}
      data-broadcast={joined}
      hidden={!visible}
      // A click in a shell of the split selects its tab, so the tab bar says where typing goes.
      onFocus={() => {
        if (!active) activate(tab);
      }}
    >
      {split ? (
        <div className="terminal-pane-title" data-testid="terminal-pane-title">
          <HostStateDot host={host} /> {host}
        </div>
      ) : null}
      {shell?.recording ? (
        <div className="terminal-rec" data-testid="recording-note" title={`Recording to ${shell.recording}`}>
          ● REC
        </div>
      ) : null}
      {joined ? (
        <div className="terminal-broadcast-note" data-testid="broadcast-note">
          Broadcast: what you type goes to {groupSize} terminals
        </div>
      ) : null}
      {shell?.searching ? (
        <form
          className="terminal-search"
          onSubmit={(e) => {
            e.preventDefault();
            const text = new FormData(e.currentTarget).get('q');
            if (typeof text === 'string' && text) session?.findNext(text);
          }}
        >
          <input name="q" className="input" placeholder="Search the scrollback (Enter: next)" aria-label="Search the scrollback" autoFocus onKeyDown={(e) => e.key === 'Escape' && setSearching(tab, false)} />
          <button type="button" className="button" onClick={() => setSearching(tab, false)}>
            Close
          </button>
        </form>
      ) : null}
      <div ref={box} className="terminal-box" />
      {ended !== null ? (
        <div className="terminal-ended">
          <button type="button" className="button" data-testid="terminal-reconnect" onClick={() => reconnect(tab)}>
            {ended.loginRefused ? 'Try again' : 'Reconnect'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
