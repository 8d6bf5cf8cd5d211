// The wire protocol between the renderer and the core. It is the same over both transports
// (Electron IPC and WebSocket): a transport only moves these messages and never looks inside.
// What the names mean and what they carry is declared in api.ts.

/** A failure the user can act on: what happened, where, and what to do. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** What to do about it, when we know. */
  hint?: string;
}

export type ErrorCode =
  | 'invalid_input' // the input did not match the request's schema
  | 'invalid_message' // the message itself was malformed (not JSON, unknown type)
  | 'unknown_method'
  | 'unknown_stream'
  | 'disconnected' // the transport went away before the answer came
  | 'failed'; // the core tried and could not; the message says why

export type ClientMessage =
  | { t: 'call'; id: number; method: string; input: unknown }
  | { t: 'open'; id: number; stream: string; params: unknown }
  | { t: 'close'; id: number }
  /** Acknowledges `weight` units of a flow-controlled stream's events as consumed. */
  | { t: 'ack'; id: number; weight: number };

export type ServerMessage =
  | { t: 'result'; id: number; ok: true; output: unknown }
  | { t: 'result'; id: number; ok: false; error: ApiError }
  /** Events of one stream, batched: the core flushes at most every few milliseconds. */
  | { t: 'events'; id: number; events: unknown[] }
  | { t: 'end'; id: number; error?: ApiError };

/** The two ends of a transport as the client sees them. */
export interface CorePort {
  post(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  /** Connected or not; an IPC port is always connected. */
  onState(listener: (state: PortState) => void): () => void;
}

export type PortState = { connected: true } | { connected: false; reason: string };

/** The object the Electron preload exposes on `window` under this name. */
export const PRELOAD_GLOBAL = 'fleetdeck';
/** The one IPC channel that carries protocol messages. */
export const IPC_CHANNEL = 'fleetdeck:message';
/** Browser mode: the WebSocket that carries the page's messages to the core. */
export const WEBSOCKET_PATH = '/ws';
/** Browser mode: the long HTTP response that carries the core's messages to the page (shared/wire.ts). */
export const DOWNSTREAM_PATH = '/down';
