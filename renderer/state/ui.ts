import type { CheckStateName } from '../../shared/status/schema';
import type { SliceCreator } from './store';

// What the user looks at: the view, the host search text, the environments folded away.

export type ViewId = 'fleet' | 'events' | 'terminals' | 'run' | 'deploys' | 'releases';

export interface ViewDef {
  id: ViewId;
  label: string;
  /** The digit of its Ctrl/Cmd shortcut. */
  digit: string;
}

export const VIEWS: readonly ViewDef[] = [
  { id: 'fleet', label: 'Fleet', digit: '1' },
  { id: 'events', label: 'Events', digit: '2' },
  { id: 'terminals', label: 'Terminals', digit: '3' },
  { id: 'run', label: 'Run', digit: '4' },
  { id: 'deploys', label: 'Deploys', digit: '5' },
  { id: 'releases', label: 'Releases', digit: '6' },
];

export type FleetLayout = 'map' | 'list';

/** The host under the pointer on the map, for the one shared tooltip. */
export interface Hover {
  host: string;
  x: number;
  y: number;
}

export interface UiSlice {
  view: ViewId;
  search: string;
  /** Environments the user folded, by name. */
  collapsed: Readonly<Record<string, true>>;
  fleetLayout: FleetLayout;
  /** Show only hosts in this state (the map's state chips). */
  stateFilter: CheckStateName | null;
  /** The host whose page is open over the fleet view, if any. */
  openHost: string | null;
  hover: Hover | null;
  /** The app the Deploys and Releases views show (null: the first in the fleet file). One choice for
   * both, so a deploy started from Releases is the one Deploys shows. */
  deployApp: string | null;
  showView(view: ViewId): void;
  selectApp(app: string): void;
  /** Deploys, showing `app`: where a deploy started from another view is watched. */
  showDeploys(app: string): void;
  setSearch(text: string): void;
  toggleEnvironment(name: string): void;
  setFleetLayout(layout: FleetLayout): void;
  setStateFilter(state: CheckStateName | null): void;
  showHost(name: string | null): void;
  setHover(hover: Hover | null): void;
}

/** The parts of a key event that decide a shortcut (a KeyboardEvent fits). */
export interface KeyChord {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Ctrl+1..6 (Cmd+1..6 on a Mac) pick a view; nothing else does. */
export function viewForChord(chord: KeyChord, isMac: boolean): ViewId | null {
  const primary = isMac ? chord.metaKey && !chord.ctrlKey : chord.ctrlKey && !chord.metaKey;
  if (!primary || chord.altKey || chord.shiftKey) return null;
  return VIEWS.find((v) => v.digit === chord.key)?.id ?? null;
}

/** "#/deploys" → 'deploys'; anything unknown is the fleet view. */
export function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '');
  return VIEWS.find((v) => v.id === id)?.id ?? 'fleet';
}

export function hashForView(view: ViewId): string {
  return `#/${view}`;
}

/** Searching is for hosts: typing a search from another view brings the fleet view up. */
export function searchChanged(state: Pick<UiSlice, 'view'>, text: string): Pick<UiSlice, 'view' | 'search'> {
  return { search: text, view: text.trim() !== '' ? 'fleet' : state.view };
}

export function toggled(collapsed: Readonly<Record<string, true>>, name: string): Record<string, true> {
  const next = { ...collapsed };
  if (next[name]) delete next[name];
  else next[name] = true;
  return next;
}

export const createUiSlice =
  (initialView: ViewId): SliceCreator<UiSlice> =>
  (set) => ({
    view: initialView,
    search: '',
    collapsed: {},
    showView: (view) => set({ view }),
    deployApp: null,
    selectApp: (deployApp) => set({ deployApp }),
    showDeploys: (deployApp) => set({ view: 'deploys', deployApp }),
    setSearch: (text) => set((s) => ({ ...searchChanged(s, text), ...(text.trim() ? { openHost: null } : {}) })),
    toggleEnvironment: (name) => set((s) => ({ collapsed: toggled(s.collapsed, name) })),
    fleetLayout: 'map',
    stateFilter: null,
    openHost: null,
    hover: null,
    setFleetLayout: (fleetLayout) => set({ fleetLayout }),
    setStateFilter: (stateFilter) => set({ stateFilter }),
    showHost: (openHost) => set(openHost ? { openHost, view: 'fleet', hover: null } : { openHost: null }),
    setHover: (hover) => set({ hover }),
  });
