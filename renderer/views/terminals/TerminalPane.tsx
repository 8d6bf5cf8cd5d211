import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { isMacPlatform } from '../../parts/Kbd';
import { useAppStore, useAppStoreApi, useClient } from '../../state/react';
import { viewForChord } from '../../state/ui';
import { HostStateDot } from './HostStateDot';
import { registerTerminal, routeInput } from './inputRouter';

// One shell on one host in xterm.js. Output goes from the stream straight into xterm (never
// through React state) and is acknowledged once xterm has written it, which is what lets the
// core pause the SSH channel when the screen cannot keep up. Resizes are forwarded to the PTY.

interface TerminalPaneProps {
  tab: string;
  host: string;
  record: boolean;
  visible: boolean;
  /** The selected tab: it has the keyboard. */
  active: boolean;
  /** Shown beside another: then titled with its host. */
  split: boolean;
}

export function TerminalPane({ tab, host, record, visible, active, split }: TerminalPaneProps): ReactNode {
  const client = useClient();
  const store = useAppStoreApi();
  const activate = useAppStore((s) => s.activateTab);
  const inView = useAppStore((s) => s.view === 'terminals');
  const focusRequests = useAppStore((s) => s.focusRequests);
  const termRef = useRef<Terminal | null>(null);
  const joined = useAppStore((s) => s.broadcast[tab] === true);
  const groupSize = useAppStore((s) => Object.keys(s.broadcast).length);
  const box = useRef<HTMLDivElement>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  // Why the shell ended (null while it runs), and whether a login was refused: then "Try again".
  const [ended, setEnded] = useState<{ reason: string; loginRefused: boolean } | null>(null);
  const [generation, setGeneration] = useState(0);
  const [searching, setSearching] = useState(false);
  const [recording, setRecording] = useState<string | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    setEnded(null);
    const term = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 10_000, allowProposedApi: false, theme: themeFromCss(el) });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    // Links open in the system browser (Electron's window handler) or a new tab; never in place.
    term.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, '_blank', 'noopener')));
    term.open(el);
    fitRef.current = fit;
    searchRef.current = search;
    termRef.current = term;
    try {
      fit.fit();
    } catch {
      // Not laid out yet (hidden tab): the size is sent when it shows.
    }
    let session: string | null = null;
    // Acknowledgements are gathered for a few milliseconds: one message instead of one per chunk.
    let unsentAck = 0;
    let ackTimer: ReturnType<typeof setTimeout> | null = null;
    const ack = (weight: number): void => {
      unsentAck += weight;
      ackTimer ??= setTimeout(() => {
        ackTimer = null;
        subscription.ack(unsentAck);
        unsentAck = 0;
      }, 8);
    };
    // Keys typed before the shell is up are sent once it is.
    let early = '';
    const subscription = client.subscribe('terminal.open', { host, cols: Math.max(2, term.cols), rows: Math.max(1, term.rows), record }, {
      onEvent: (event) => {
        if (event.kind === 'opened') {
          session = event.session;
          setRecording(event.recording);
          if (early) void client.call('terminal.input', { session, data: early }).catch(() => undefined);
          early = '';
          const dims = fit.proposeDimensions();
          if (dims) void client.call('terminal.resize', { session, cols: dims.cols, rows: dims.rows }).catch(() => undefined);
        } else if (event.kind === 'output') {
          const weight = event.data.byteLength;
          // The latest output's arrival, for the terminal benchmark's echo figure (one mark kept).
          performance.clearMarks('fleetdeck:terminal-output');
          performance.mark('fleetdeck:terminal-output');
          term.write(event.data, () => ack(weight));
        } else {
          term.write(`\r\n\x1b[${event.error ? '31' : '90'}m${event.reason}\x1b[0m\r\n`);
          setEnded({ reason: event.reason, loginRefused: event.loginRefused });
        }
      },
      onEnd: (error) => {
        if (error) {
          term.write(`\r\n\x1b[31m${error.message}\x1b[0m\r\n`);
          setEnded({ reason: error.message, loginRefused: false });
        }
      },
    });
    const sendToShell = (data: string): void => {
      if (session) void client.call('terminal.input', { session, data }).catch(() => undefined);
      else early += data;
    };
    const unregister = registerTerminal(tab, sendToShell);
    // Typed input goes to this shell, or to every shell of the broadcast group.
    const input = term.onData((data) => void routeInput(tab, data, store.getState().broadcast));
    const resize = term.onResize(({ cols, rows }) => {
      if (session) void client.call('terminal.resize', { session, cols, rows }).catch(() => undefined);
    });
    const mac = isMacPlatform();
    term.attachCustomKeyEventHandler((e) => {
      // The console's view shortcuts (Ctrl/Cmd+1..6) work here as everywhere: xterm would send
      // Ctrl+3, 4 and 6 to the shell (as ESC, FS and RS) and stop the event. Declined here, the
      // event goes on to the window's shortcut handler (useViewShortcuts).
      if (viewForChord(e, mac)) return false;
      // Ctrl+Tab and Ctrl+Shift+Tab go to the next and previous tab, as in Windows Terminal and VS
      // Code (in the desktop app: a browser keeps Ctrl+Tab for its own tabs).
      if (e.key === 'Tab' && e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        if (e.type === 'keydown') store.getState().cycleTab(e.shiftKey ? -1 : 1);
        return false;
      }
      // Ctrl+Shift+F searches the scrollback; Ctrl+Shift+C/V copy and paste as in other terminals.
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyF') {
        setSearching(true);
        return false;
      }
      if (e.code === 'KeyC') {
        void navigator.clipboard?.writeText(term.getSelection());
        return false;
      }
      if (e.code === 'KeyV') {
        void navigator.clipboard?.readText().then((text) => term.paste(text));
        return false;
      }
      return true;
    });
    const observer = new ResizeObserver(() => {
      try {
        if (el.clientWidth > 0) fit.fit();
      } catch {
        // Hidden: nothing to fit.
      }
    });
    observer.observe(el);
    term.focus();
    return () => {
      observer.disconnect();
      if (ackTimer) clearTimeout(ackTimer);
      unregister();
      input.dispose();
      resize.dispose();
      subscription.close();
      term.dispose();
    };
  }, [client, host, generation, tab, store, record]);

  // Typing goes to the selected shell: after a tab is picked (even the one in front), a shell
  // opened, the split toggled (whose button would otherwise keep the focus, and take the next
  // Enter as a click), or on coming back to the Terminals view.
  useEffect(() => {
    if (active && visible && inView) termRef.current?.focus();
  }, [active, visible, inView, focusRequests]);

  useEffect(() => {
    if (visible) {
      try {
        fitRef.current?.fit();
      } catch {
        // not laid out
      }
    }
  }, [visible]);

  // The pool remembers why the host failed (a refused login until the user retries, an unreachable
  // host for a backoff): forget it first, so the user's click connects, and asks, again.
  const reconnect = (): void => {
    void client
      .call('ssh.retry', { host })
      .catch(() => undefined)
      .then(() => setGeneration((g) => g + 1));
  };

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
      {recording ? (
        <div className="terminal-rec" data-testid="recording-note" title={`Recording to ${recording}`}>
          ● REC
        </div>
      ) : null}
      {joined ? (
        <div className="terminal-broadcast-note" data-testid="broadcast-note">
          Broadcast: what you type goes to {groupSize} terminals
        </div>
      ) : null}
      {searching ? (
        <form
          className="terminal-search"
          onSubmit={(e) => {
            e.preventDefault();
            const text = new FormData(e.currentTarget).get('q');
            if (typeof text === 'string' && text) searchRef.current?.findNext(text);
          }}
        >
          <input name="q" className="input" placeholder="Search the scrollback (Enter: next)" aria-label="Search the scrollback" autoFocus onKeyDown={(e) => e.key === 'Escape' && setSearching(false)} />
          <button type="button" className="button" onClick={() => setSearching(false)}>
            Close
          </button>
        </form>
      ) : null}
      <div ref={box} className="terminal-box" />
      {ended !== null ? (
        <div className="terminal-ended">
          <button type="button" className="button" data-testid="terminal-reconnect" onClick={reconnect}>
            {ended.loginRefused ? 'Try again' : 'Reconnect'}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** xterm draws on a canvas: give it the page's colours. */
function themeFromCss(el: HTMLElement): { background: string; foreground: string; cursor: string } {
  const css = getComputedStyle(el);
  const bg = css.getPropertyValue('--terminal-bg').trim() || '#1c2127';
  const fg = css.getPropertyValue('--terminal-fg').trim() || '#e6e9ed';
  return { background: bg, foreground: fg, cursor: fg };
}
