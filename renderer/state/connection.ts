import type { AppInfo } from '../../shared/api';
import type { PortState } from '../../shared/protocol';
import type { SliceCreator } from './store';

// The connection to the core, as the status bar and the reconnect banner show it, and which
// Fleetdeck answers on the other end (app.info, asked again on every connect: the core may have
// been restarted, or upgraded, while the page stayed open).

export type ConnectionState =
  /** The first attempt is under way; nothing has failed yet. */
  | { status: 'connecting' }
  | { status: 'connected'; since: number }
  /** Not connected; the transport keeps retrying. `wasConnected` tells a lost connection from a
   * core that never answered since the page opened. */
  | { status: 'disconnected'; reason: string; since: number; wasConnected: boolean };

export interface ConnectionSlice {
  connection: ConnectionState;
  appInfo: AppInfo | null;
  connectionChanged(port: PortState, now: number): void;
  appInfoReceived(info: AppInfo): void;
}

/** The reason the client reports before its first attempt has an outcome. */
export const INITIAL_REASON = 'connecting';

export function nextConnection(prev: ConnectionState, port: PortState, now: number): ConnectionState {
  if (port.connected) return prev.status === 'connected' ? prev : { status: 'connected', since: now };
  if (prev.status === 'connecting' && port.reason === INITIAL_REASON) return prev;
  if (prev.status === 'disconnected') {
    // Still down: keep when it went down, take the latest reason.
    return prev.reason === port.reason ? prev : { ...prev, reason: port.reason };
  }
  return { status: 'disconnected', reason: port.reason, since: now, wasConnected: prev.status === 'connected' };
}

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  connection: { status: 'connecting' },
  appInfo: null,
  connectionChanged: (port, now) => set((s) => ({ connection: nextConnection(s.connection, port, now) })),
  appInfoReceived: (info) => set({ appInfo: info }),
});
