import {
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

/** The port of the page: Electron's preload when present, else the browser-mode WebSocket. */
export function connectToCore(): CoreClient {
  const preload = (window as unknown as Record<string, CorePort | undefined>)[PRELOAD_GLOBAL];
  return new CoreClient(preload ?? webSocketPort());
}

/** A WebSocket to the core that reconnects with backoff. The token comes from the page's URL
 * (browser mode prints it) or from the cookie the server set when the page was loaded. */
export function webSocketPort(location: Location = window.location): CorePort {
  const messageListeners = new Set<(m: ServerMessage) => void>();
  const stateListeners = new Set<(s: PortState) => void>();
  let socket: WebSocket | null = null;
  let attempt = 0;
  const token = new URLSearchParams(location.search).get('token');
  const url =
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEBSOCKET_PATH}` +
    (token ? `?token=${encodeURIComponent(token)}` : '');

  const emitState = (state: PortState): void => stateListeners.forEach((l) => l(state));
  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      emitState({ connected: true });
    };
    ws.onmessage = (e) => {
      const message = JSON.parse(String(e.data)) as ServerMessage;
      messageListeners.forEach((l) => l(message));
    };
    ws.onclose = (e) => {
      socket = null;
      const reason = e.code === 1008 ? `refused: ${e.reason || 'not allowed'}` : 'the core is not answering';
      emitState({ connected: false, reason });
      // Back off up to 5 s so a restarting core is found again without hammering it.
      const delay = Math.min(5000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
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
