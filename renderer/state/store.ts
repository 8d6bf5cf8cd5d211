import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { createConnectionSlice, type ConnectionSlice } from './connection';
import { createFleetSlice, type FleetSlice } from './fleet';
import { createInventorySlice, type InventorySlice } from './inventory';
import { createStatusSlice, type StatusSlice } from './status';
import { createTerminalsSlice, type ShellSessionFactory, type TerminalsSlice } from './terminals';
import { createUiSlice, type ViewId } from './ui';
import type { UiSlice } from './ui';

// The renderer's one store, composed of slices, one file per concern. Middleware, if any is ever
// needed, goes here at the root and nowhere in the slices.

export type AppState = ConnectionSlice & FleetSlice & StatusSlice & TerminalsSlice & UiSlice & InventorySlice;
export type AppStore = StoreApi<AppState>;
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;

export interface StoreOptions {
  view?: ViewId;
  /** Creates each terminal tab's shell (the page's TerminalSession); without it tabs have none. */
  openSession?: ShellSessionFactory;
}

export function createAppStore(options: StoreOptions = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createConnectionSlice(...a),
    ...createFleetSlice(...a),
    ...createStatusSlice(...a),
    ...createTerminalsSlice(options.openSession ?? null)(...a),
    ...createUiSlice(options.view ?? 'fleet')(...a),
    ...createInventorySlice(...a),
  }));
}
