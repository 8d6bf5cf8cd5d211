import type { FleetSnapshot } from '../../shared/fleet/model';
import type { SliceCreator } from './store';

// The fleet as the core last sent it on 'fleet.updates'. The core sends the whole snapshot at
// once and again after every load attempt, so the slice only ever replaces it.

export interface FleetSlice {
  /** Null until the first snapshot arrives. */
  snapshot: FleetSnapshot | null;
  /** Set when the core ended the updates stream with an error; cleared by the next snapshot. */
  fleetStreamError: string | null;
  snapshotReceived(snapshot: FleetSnapshot): void;
  fleetStreamEnded(error: string | null): void;
}

/** What the fleet view can show, in the order it is decided. */
export type FleetPhase =
  /** No snapshot yet (the core has not answered). */
  | 'waiting'
  /** The core found no fleet file anywhere. */
  | 'no-file'
  /** There is a file but it never loaded: its problem is all there is to show. */
  | 'broken'
  /** Loaded, but it names no host. */
  | 'empty'
  | 'loaded';

export function fleetPhase(snapshot: FleetSnapshot | null): FleetPhase {
  if (!snapshot) return 'waiting';
  if (snapshot.file === null) return 'no-file';
  if (snapshot.loadedAt === null) return snapshot.problem ? 'broken' : 'waiting';
  return snapshot.hosts.length === 0 ? 'empty' : 'loaded';
}

export const createFleetSlice: SliceCreator<FleetSlice> = (set) => ({
  snapshot: null,
  fleetStreamError: null,
  snapshotReceived: (snapshot) => set({ snapshot, fleetStreamError: null }),
  fleetStreamEnded: (error) => set({ fleetStreamError: error }),
});
