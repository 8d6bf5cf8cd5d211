import type { SshQuestion } from '../../shared/contract/terminal';
import type { SliceCreator } from './store';

// Open terminal tabs (each a shell on one host), which one is in front, whether the pane is split,
// and the questions SSH is waiting on. Terminal bytes never pass through here: they go straight
// from the stream into xterm.js.

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

export const createTerminalsSlice: SliceCreator<TerminalsSlice> = (set) => ({
  tabs: [],
  activeTab: null,
  split: false,
  focusRequests: 0,
  questions: [],
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
    const id = `t${nextTab++}`;
    set((s) => ({ tabs: [...s.tabs, { id, host, record: s.recordNew }], activeTab: id, view: 'terminals', paletteOpen: false }));
  },
  closeTab: (id) =>
    set((s) => {
      const tabs = s.tabs.filter((t) => t.id !== id);
      const broadcast = { ...s.broadcast };
      delete broadcast[id];
      return { tabs, broadcast, activeTab: s.activeTab === id ? (tabs.at(-1)?.id ?? null) : s.activeTab, focusRequests: s.focusRequests + 1 };
    }),
  activateTab: (activeTab) => set((s) => ({ activeTab, focusRequests: s.focusRequests + 1 })),
  cycleTab: (step) => set((s) => ({ activeTab: tabAfter(s.tabs, s.activeTab, step) })),
  toggleSplit: () => set((s) => ({ split: !s.split, focusRequests: s.focusRequests + 1 })),
  questionAsked: (q) => set((s) => ({ questions: [...s.questions.filter((x) => x.id !== q.id), q] })),
  questionAnswered: (id) => set((s) => ({ questions: s.questions.filter((q) => q.id !== id) })),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
});
