import type { SshQuestion } from '../../shared/contract/ssh';
import type { Disposable } from '../../shared/disposable';
import type { SliceCreator } from './store';

// Open terminal tabs (each a shell on one host), which one is in front, whether the pane is split,
// and the questions SSH is waiting on. Each tab's shell is a session object that the store creates
// when the tab opens and disposes when it closes (TerminalSession in the page); views only attach
// it to an element. Terminal bytes never pass through here: they go straight from the stream into
// xterm.js.

/** A tab's shell, as the store and its pane see it. */
export interface ShellSession extends Disposable {
  /** Input for this shell (already routed: see `typed`). */
  input(data: string): void;
  /** A new shell in the same terminal, after the old one ended. */
  reconnect(): void;
  /** Shows the terminal in `box` until the returned attachment is disposed; the shell runs on. */
  attach(box: HTMLElement): Disposable;
  fitToBox(): void;
  focus(): void;
  findNext(text: string): void;
}

/** What a session tells the store about its tab. Never its bytes. */
export interface ShellSessionEvents {
  opened(recording: string | null): void;
  ended(reason: string, loginRefused: boolean): void;
  /** Keys typed in the terminal: for this shell or the broadcast group. */
  typed(data: string): void;
  cycleTab(step: 1 | -1): void;
  searchRequested(): void;
}

export type ShellSessionFactory = (tab: TerminalTab, events: ShellSessionEvents) => ShellSession;

/** A shell's state that its pane shows. */
export interface ShellState {
  /** Why the shell ended (null while it runs), and whether a login was refused: then "Try again". */
  ended: { reason: string; loginRefused: boolean } | null;
  /** The recording's file while recorded. */
  recording: string | null;
  searching: boolean;
}

const RUNNING: ShellState = { ended: null, recording: null, searching: false };

export interface TerminalTab {
  id: string;
  host: string;
  /** Saved as an asciicast v2 recording. */
  record: boolean;
}

export interface TerminalsSlice {
  tabs: readonly TerminalTab[];
  activeTab: string | null;
  /** Split: the active tab and the one before it side by side. */
  split: boolean;
  /** Counts the times the active shell should take the keyboard: a tab picked (even the one in
   * front), the split toggled, a tab closed. The pane in front focuses itself on each. */
  focusRequests: number;
  questions: readonly SshQuestion[];
  shells: Readonly<Record<string, ShellState>>;
  /** The tab's session (undefined without a session factory, as in unit tests of other slices). */
  sessionOf(id: string): ShellSession | undefined;
  /** Sends input typed in `tab` to its shell, or to every shell of the broadcast group it joined. */
  typed(tab: string, data: string): void;
  reconnectTab(id: string): void;
  setSearching(id: string, searching: boolean): void;
  paletteOpen: boolean;
  /** New terminals are recorded. */
  recordNew: boolean;
  setRecordNew(on: boolean): void;
  /** Tabs whose typed input goes to every tab of the group. */
  broadcast: Readonly<Record<string, true>>;
  toggleBroadcast(id: string): void;
  openTerminal(host: string): void;
  closeTab(id: string): void;
  activateTab(id: string): void;
  /** Brings the next tab (step 1) or the previous one (-1) to the front, round the ends. */
  cycleTab(step: 1 | -1): void;
  toggleSplit(): void;
  questionAsked(question: SshQuestion): void;
  questionAnswered(id: number): void;
  setPaletteOpen(open: boolean): void;
}

let nextTab = 1;

/** The tab `step` places after `active` in the tab bar, round the ends (null without tabs). */
export function tabAfter(tabs: readonly TerminalTab[], active: string | null, step: 1 | -1): string | null {
  if (tabs.length === 0) return null;
  const at = tabs.findIndex((t) => t.id === active);
  // No active tab: the first for "next", the last for "previous".
  const from = at === -1 ? (step === 1 ? -1 : 0) : at;
  return tabs[(from + step + tabs.length) % tabs.length]!.id;
}

/** The tabs shown: the active one, and with split the most recent other one. */
export function visibleTabs(tabs: readonly TerminalTab[], active: string | null, split: boolean): string[] {
  if (!active) return [];
  if (!split) return [active];
  const other = [...tabs].reverse().find((t) => t.id !== active);
  return other ? [other.id, active] : [active];
}

export function createTerminalsSlice(openSession: ShellSessionFactory | null): SliceCreator<TerminalsSlice> {
  const sessions = new Map<string, ShellSession>();
  return (set, get) => {
    // A closed tab's session says nothing more: its state is gone with it.
    const patchShell = (id: string, patch: Partial<ShellState>): void =>
      set((s) => {
        const shell = s.shells[id];
        return shell ? { shells: { ...s.shells, [id]: { ...shell, ...patch } } } : {};
      });
    const eventsFor = (id: string): ShellSessionEvents => ({
      opened: (recording) => patchShell(id, { recording }),
      ended: (reason, loginRefused) => patchShell(id, { ended: { reason, loginRefused } }),
      typed: (data) => get().typed(id, data),
      cycleTab: (step) => get().cycleTab(step),
      searchRequested: () => patchShell(id, { searching: true }),
    });
    return {
      tabs: [],
      activeTab: null,
      split: false,
      focusRequests: 0,
      questions: [],
      shells: {},
      sessionOf: (id) => sessions.get(id),
      typed: (tab, data) => {
        const { broadcast } = get();
        const targets = broadcast[tab] ? Object.keys(broadcast).filter((t) => sessions.has(t)) : [tab];
        for (const t of targets) sessions.get(t)?.input(data);
      },
      reconnectTab: (id) => {
        patchShell(id, { ended: null });
        sessions.get(id)?.reconnect();
      },
      setSearching: (id, searching) => patchShell(id, { searching }),
      paletteOpen: false,
      broadcast: {},
      recordNew: false,
      setRecordNew: (recordNew) => set({ recordNew }),
      toggleBroadcast: (id) =>
        set((s) => {
          const next = { ...s.broadcast };
          if (next[id]) delete next[id];
          else next[id] = true;
          return { broadcast: next };
        }),
      openTerminal: (host) => {
        const tab: TerminalTab = { id: `t${nextTab++}`, host, record: get().recordNew };
        if (openSession) sessions.set(tab.id, openSession(tab, eventsFor(tab.id)));
        set((s) => ({ tabs: [...s.tabs, tab], shells: { ...s.shells, [tab.id]: RUNNING }, activeTab: tab.id, view: 'terminals', paletteOpen: false }));
      },
      closeTab: (id) => {
        // Disposed first: the shell ends, and its pane, about to go, shows nothing more.
        sessions.get(id)?.dispose();
        sessions.delete(id);
        set((s) => {
          const tabs = s.tabs.filter((t) => t.id !== id);
          const { [id]: _left, ...broadcast } = s.broadcast;
          const { [id]: _closed, ...shells } = s.shells;
          return { tabs, broadcast, shells, activeTab: s.activeTab === id ? (tabs.at(-1)?.id ?? null) : s.activeTab, focusRequests: s.focusRequests + 1 };
        });
      },
      activateTab: (activeTab) => set((s) => ({ activeTab, focusRequests: s.focusRequests + 1 })),
      cycleTab: (step) => set((s) => ({ activeTab: tabAfter(s.tabs, s.activeTab, step) })),
      toggleSplit: () => set((s) => ({ split: !s.split, focusRequests: s.focusRequests + 1 })),
      questionAsked: (q) => set((s) => ({ questions: [...s.questions.filter((x) => x.id !== q.id), q] })),
      questionAnswered: (id) => set((s) => ({ questions: s.questions.filter((q) => q.id !== id) })),
      setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
    };
  };
}
