import {
  DOWNSTREAM_PATH,
  PRELOAD_GLOBAL,
  WEBSOCKET_PATH,
  type ApiError,
  type ClientMessage,
  type CorePort,
  type PortState,
  type ServerMessage,
} from '../shared/protocol';
import type {
  RequestInput,
  RequestName,
  RequestOutput,
  StreamEvent,
  StreamName,
  StreamParams,
} from '../shared/api';
import { decodeFrame, type DownFrame } from '../shared/wire';
import type { DownStreamNews } from './downStream.worker';

// The renderer's one way to talk to the core: typed by the contract in shared/api.ts, carried by
// whichever port the page has (the Electron preload's IPC port, or a WebSocket in browser mode).

export class CoreError extends Error {
  readonly code: ApiError['code'];
  readonly hint: string | undefined;
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'CoreError';
    this.code = error.code;
    this.hint = error.hint;
  }
}

export interface StreamHandlers<E> {
  onEvent(event: E): void;
  /** The stream ended: the core closed it, or failed it with an error. */
  onEnd?(error?: ApiError): void;
}

export interface Subscription {
  /** Tell the core that `weight` units were consumed (flow-controlled streams only). */
  ack(weight: number): void;
  close(): void;
}

interface OpenStream {
  stream: string;
  params: unknown;
  handlers: StreamHandlers<unknown>;
}

export class CoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly open = new Map<number, OpenStream>();
  private state: PortState = { connected: false, reason: 'connecting' };
  private readonly stateListeners = new Set<(state: PortState) => void>();

  constructor(private readonly port: CorePort) {
    port.onMessage((message) => this.receive(message));
    port.onState((state) => this.setState(state));
  }

  call<N extends RequestName>(method: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    const id = this.nextId++;
    return new Promise<RequestOutput<N>>((resolve, reject) => {
      if (!this.state.connected) {
        reject(new CoreError({ code: 'disconnected', message: `Not connected to the core (${this.state.reason}).` }));
        return;
      }
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ t: 'call', id, method, input });
    });
  }

  /** Opens a stream; it is re-opened by itself after the transport reconnects. */
  subscribe<N extends StreamName>(
    stream: N,
    params: StreamParams<N>,
    handlers: StreamHandlers<StreamEvent<N>>,
  ): Subscription {
    const id = this.nextId++;
    this.open.set(id, { stream, params, handlers: handlers as StreamHandlers<unknown> });
    if (this.state.connected) this.post({ t: 'open', id, stream, params });
    return {
      ack: (weight) => {
        if (this.open.has(id) && this.state.connected) this.post({ t: 'ack', id, weight });
      },
      close: () => {
        if (this.open.delete(id) && this.state.connected) this.post({ t: 'close', id });
      },
    };
  }

  get connection(): PortState {
    return this.state;
  }

  onConnection(listener: (state: PortState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  private post(message: ClientMessage): void {
    this.port.post(message);
  }

  private setState(state: PortState): void {
    const wasConnected = this.state.connected;
    this.state = state;
    if (!state.connected && wasConnected) {
      const error = new CoreError({ code: 'disconnected', message: `Lost the connection to the core (${state.reason}).` });
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    }
    if (state.connected && !wasConnected) {
      for (const [id, s] of this.open) this.post({ t: 'open', id, stream: s.stream, params: s.params });
    }
    for (const listener of this.stateListeners) listener(state);
  }

  private receive(message: ServerMessage): void {
    switch (message.t) {
      case 'result': {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.output);
        else call.reject(new CoreError(message.error));
        return;
      }
      case 'events': {
        const s = this.open.get(message.id);
        if (s) for (const event of message.events) s.handlers.onEvent(event);
        return;
      }
      case 'end': {
        const s = this.open.get(message.id);
        if (!s) return;
        this.open.delete(message.id);
        s.handlers.onEnd?.(message.error);
        return;
      }
    }
  }
}

/** The port of the page: Electron's preload when present, else browser mode's. */
export function connectToCore(): CoreClient {
  const preload = (window as unknown as Record<string, CorePort | undefined>)[PRELOAD_GLOBAL];
  return new CoreClient(preload ?? browserPort());
}

/** Where the page keeps browser mode's token between reloads. */
const TOKEN_KEY = 'fleetdeck.token';

/**
 * Browser mode's token: from the page's URL the first time, then taken out of the address bar (so
 * that it is not bookmarked, copied or shown), and kept in sessionStorage for reloads. Never a
 * cookie: cookies are per host, so every other server on 127.0.0.1 would receive it, while
 * sessionStorage is per origin (scheme, host and port) and per tab.
 */
export function takeToken(location: Location, history: History, storage: Storage | null): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl === null) return storage?.getItem(TOKEN_KEY) ?? null;
  storage?.setItem(TOKEN_KEY, fromUrl);
  params.delete('token');
  const search = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
  return fromUrl;
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage turned off by the browser: the token lives as long as this page.
    return null;
  }
}

/** Browser mode's port: the core's messages come down one long fetch (frames, shared/wire.ts),
 * read by a worker off the main thread; the page's go up a WebSocket paired to it. Both reconnect
 * together with backoff, and both carry the token in their URL (takeToken). Why two channels:
 * electron/serve/browserTransport.ts. */
export function browserPort(location: Location = window.location): CorePort {
  const messageListeners = new Set<(m: ServerMessage) => void>();
  const stateListeners = new Set<(s: PortState) => void>();
  let socket: WebSocket | null = null;
  let attempt = 0;
  const token = takeToken(location, window.history, sessionStorageOrNull());
  const query = (extra: Record<string, string>): string => {
    const params = new URLSearchParams(token ? { token, ...extra } : extra).toString();
    return params ? `?${params}` : '';
  };
  const base = `${location.protocol}//${location.host}`;
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEBSOCKET_PATH}`;

  const emitState = (state: PortState): void => stateListeners.forEach((l) => l(state));
  // A view that throws on a message is a bug to report, not a lost connection.
  const deliver = (message: ServerMessage): void =>
    messageListeners.forEach((l) => {
      try {
        l(message);
      } catch (error) {
        console.error(error);
      }
    });
  const connect = (): void => {
    const down = new Worker(new URL('./downStream.worker.ts', import.meta.url), { type: 'module' });
    let ws: WebSocket | null = null;
    let over = false;
    const lost = (reason: string): void => {
      if (over) return;
      over = true;
      down.terminate();
      ws?.close();
      socket = null;
      emitState({ connected: false, reason });
      // Back off up to 5 s so a restarting core is found again without hammering it.
      setTimeout(connect, Math.min(5000, 250 * 2 ** attempt++));
    };
    down.onerror = () => lost('the page could not read from the core');
    down.onmessage = ({ data: news }: MessageEvent<DownStreamNews>) => {
      if (over) return;
      if (news.kind === 'refused') return lost(news.status === 401 || news.status === 403 ? `refused: ${news.reason}` : `the core answered ${news.reason}`);
      if (news.kind === 'ended') return lost(news.reason);
      for (const frame of news.frames) {
        let message: DownFrame;
        try {
          message = decodeFrame(frame);
        } catch (error) {
          return lost((error as Error).message);
        }
        if (message.t !== 'hello') deliver(message);
        else if (!ws) {
          ws = new WebSocket(wsBase + query({ down: message.pair }));
          ws.onopen = () => {
            attempt = 0;
            socket = ws;
            emitState({ connected: true });
          };
          ws.onclose = () => lost('the core is not answering');
        }
      }
    };
    down.postMessage({ url: `${base}${DOWNSTREAM_PATH}${query({})}` });
  };
  connect();
  return {
    post(message) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
