import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/disposable';
import { isMacPlatform } from '../parts/Kbd';
import type { ShellSession, ShellSessionEvents } from '../state/terminals';
import { viewForChord } from '../state/ui';
import { ShellStream, type ShellLink } from './shellStream';

// One terminal tab's shell in xterm.js: the terminal, its stream (output straight from the stream
// into xterm.write, never through React state), input, resizes, search. The store creates it when
// the tab opens and disposes it when the tab closes; a pane only attaches it to its element, so
// the shell and its scrollback outlive the pane (another view, a panel, a remount).

export class TerminalSession implements ShellSession {
  private readonly term = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 10_000, allowProposedApi: false });
  private readonly fit = new FitAddon();
  private readonly search = new SearchAddon();
  /** The element xterm draws into: moved from pane to pane, opened once. */
  private readonly element = document.createElement('div');
  private readonly owned = new DisposableStore();
  private readonly stream: ShellStream;
  private attachment: Disposable | null = null;

  constructor(link: ShellLink, params: { host: string; record: boolean }, events: ShellSessionEvents) {
    this.element.className = 'terminal-session';
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    // Links open in the system browser (Electron's window handler) or a new tab; never in place.
    this.term.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, '_blank', 'noopener')));
    this.owned.add(this.term);
    this.stream = this.owned.add(new ShellStream(link, params, this.term, events));
    // Typed input goes to the store, which sends it to this shell or to every shell of the broadcast group.
    this.owned.add(this.term.onData((data) => events.typed(data)));
    this.owned.add(this.term.onResize(({ cols, rows }) => this.stream.resize(cols, rows)));
    this.term.attachCustomKeyEventHandler(keyHandler(this.term, events));
  }

  input(data: string): void {
    this.stream.input(data);
  }

  reconnect(): void {
    void this.stream.reconnect();
  }

  /** Shows the terminal in `box` (opening xterm there the first time) and fits it to the box while
   * it is attached. Detaching leaves the shell running. */
  attach(box: HTMLElement): Disposable {
    if (this.owned.isDisposed) return toDisposable(() => undefined);
    this.attachment?.dispose();
    box.appendChild(this.element);
    if (!this.term.element) {
      this.term.options.theme = themeFromCss(box);
      this.term.open(this.element);
    }
    this.fitToBox();
    const observer = new ResizeObserver(() => {
      if (box.clientWidth > 0) this.fitToBox();
    });
    observer.observe(box);
    const attachment = toDisposable(() => {
      observer.disconnect();
      if (this.element.parentElement === box) this.element.remove();
      if (this.attachment === attachment) this.attachment = null;
    });
    this.attachment = attachment;
    return attachment;
  }

  fitToBox(): void {
    try {
      this.fit.fit();
    } catch {
      // Not laid out (a hidden tab): the size is sent when it shows.
    }
  }

  focus(): void {
    this.term.focus();
  }

  findNext(text: string): void {
    this.search.findNext(text);
  }

  dispose(): void {
    this.attachment?.dispose();
    this.owned.dispose();
    this.element.remove();
  }
}

/** The keys a shell does not get: view shortcuts, tab cycling, search, copy and paste. */
function keyHandler(term: Terminal, events: ShellSessionEvents): (e: KeyboardEvent) => boolean {
  const mac = isMacPlatform();
  return (e) => {
    // The console's view shortcuts (Ctrl/Cmd+1..6) work here as everywhere: xterm would send
    // Ctrl+3, 4 and 6 to the shell (as ESC, FS and RS) and stop the event. Declined here, the
    // event goes on to the window's shortcut handler (useViewShortcuts).
    if (viewForChord(e, mac)) return false;
    // Ctrl+Tab and Ctrl+Shift+Tab go to the next and previous tab, as in Windows Terminal and VS
    // Code (in the desktop app: a browser keeps Ctrl+Tab for its own tabs).
    if (e.key === 'Tab' && e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      if (e.type === 'keydown') events.cycleTab(e.shiftKey ? -1 : 1);
      return false;
    }
    // Ctrl+Shift+F searches the scrollback; Ctrl+Shift+C/V copy and paste as in other terminals.
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    if (e.code === 'KeyF') {
      events.searchRequested();
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
  };
}

/** xterm draws on a canvas: give it the page's colours. */
function themeFromCss(el: HTMLElement): { background: string; foreground: string; cursor: string } {
  const css = getComputedStyle(el);
  const bg = css.getPropertyValue('--terminal-bg').trim() || '#1c2127';
  const fg = css.getPropertyValue('--terminal-fg').trim() || '#e6e9ed';
  return { background: bg, foreground: fg, cursor: fg };
}
