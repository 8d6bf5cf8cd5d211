import { z } from 'zod';
import { requests, streams, type RequestDef, type StreamDef } from '../../../shared/api';
import type { ApiError, ServerMessage } from '../../../shared/protocol';
import { DisposableStore, toDisposable, type Disposable } from '../../../shared/disposable';
import { CoreFailure, type CoreApi, type StreamSink } from './coreApi';

// One client's conversation with the core, generic over the contract: it validates every message
// and every input at the core's edge, calls the handler, and sends results and batched stream
// events back. Both transports (IPC and WebSocket) use it; they only move messages.

export interface Connection {
  receive(message: unknown): void;
  dispose(): void;
}

const ClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown() }),
  z.object({ t: z.literal('open'), id: z.number().int(), stream: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('close'), id: z.number().int() }),
  z.object({ t: z.literal('ack'), id: z.number().int(), weight: z.number().nonnegative() }),
]);

interface OpenStream {
  resource: Disposable;
  acked(weight: number): void;
}

/** The contract to serve: shared/api.ts, or another one in the transport's own tests. */
export interface Contract {
  requests: Record<string, RequestDef>;
  streams: Record<string, StreamDef>;
}

type Handler = (input: unknown) => Promise<unknown>;
type Opener = (params: unknown, sink: StreamSink<unknown>) => Disposable;

/** Streams one client may have open at once: far more than any view opens (a few per terminal,
 * host page and deploy), far fewer than would let one page tie up the core. */
export const MAX_STREAMS_PER_CONNECTION = 256;

/** `record[name]` when `name` is the record's own key: never a name inherited from
 * Object.prototype (`__proto__`, `constructor`, `toString`), which a message may well send. */
function own<T>(record: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export function openConnection(
  api: CoreApi,
  send: (message: ServerMessage) => void,
  contract: Contract = { requests, streams },
  log: (line: string) => void = (line) => console.warn(line),
): Connection {
  return new ContractConnection(api, send, contract, log);
}

class ContractConnection implements Connection {
  private readonly handlers: Record<string, Handler | undefined>;
  private readonly openers: Record<string, Opener | undefined>;
  private readonly open = new Map<number, OpenStream>();
  private readonly lifetime = new DisposableStore();
  // Events are queued per stream and flushed once per turn of the event loop, so a burst of
  // events becomes one message.
  private readonly queued = new Map<number, unknown[]>();
  private flushScheduled = false;

  constructor(
    api: CoreApi,
    private readonly send: (message: ServerMessage) => void,
    private readonly contract: Contract,
    private readonly log: (line: string) => void,
  ) {
    this.handlers = api.requests as unknown as Record<string, Handler | undefined>;
    this.openers = api.streams as unknown as Record<string, Opener | undefined>;
    this.lifetime.add(
      toDisposable(() => {
        for (const id of [...this.open.keys()]) this.close(id);
      }),
    );
  }

  receive(raw: unknown): void {
    if (this.lifetime.isDisposed) return;
    // The last line of defence: a message that finds a bug costs its own answer, not the core.
    try {
      this.receiveMessage(raw);
    } catch (error) {
      guard(() => this.unexpected(messageId(raw), error));
    }
  }

  dispose(): void {
    this.lifetime.dispose();
  }

  private receiveMessage(raw: unknown): void {
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) return this.fail(messageId(raw), invalid('message', parsed.error, 'invalid_message'));
    const message = parsed.data;
    switch (message.t) {
      case 'call':
        this.call(message.id, message.method, message.input).catch((error: unknown) => guard(() => this.unexpected(message.id, error)));
        return;
      case 'open':
        return this.openStream(message.id, message.stream, message.params);
      case 'close':
        return this.close(message.id);
      case 'ack':
        return this.open.get(message.id)?.acked(message.weight);
    }
  }

  private async call(id: number, name: string, input: unknown): Promise<void> {
    const def = own(this.contract.requests, name);
    const handler = own(this.handlers, name);
    if (!def || !handler) return this.fail(id, { code: 'unknown_method', message: `No request named "${name.slice(0, 100)}".` });
    try {
      const parsed = def.input.safeParse(input);
      if (!parsed.success) return this.fail(id, invalid(`request ${name}`, parsed.error));
      const output = await handler(parsed.data);
      if (!this.lifetime.isDisposed) this.send({ t: 'result', id, ok: true, output });
    } catch (error) {
      this.fail(id, toApiError(error));
    }
  }

  private openStream(id: number, name: string, params: unknown): void {
    if (this.open.has(id)) return this.fail(id, { code: 'invalid_message', message: `Stream id ${id} is already open.` });
    const def = own(this.contract.streams, name);
    const opener = own(this.openers, name);
    if (!def || !opener) return this.end(id, { code: 'unknown_stream', message: `No stream named "${name.slice(0, 100)}".` });
    if (this.open.size >= MAX_STREAMS_PER_CONNECTION) {
      const message = `This connection already has ${MAX_STREAMS_PER_CONNECTION} streams open, the most it may have: close some first.`;
      return this.end(id, { code: 'failed', message });
    }
    const parsed = def.params.safeParse(params);
    if (!parsed.success) return this.end(id, invalid(`stream ${name}`, parsed.error));
    const stream = this.streamSink(id, def.flow === true);
    try {
      const resource = opener(parsed.data, stream.sink);
      this.open.set(id, {
        resource: toDisposable(() => {
          stream.ended = true;
          resource.dispose();
        }),
        acked: stream.acked,
      });
    } catch (error) {
      this.end(id, toApiError(error));
    }
  }

  /** What a stream's opener sends through: events queued for the next flush, its end, and the
   * flow control of a stream that counts what the client has not yet acknowledged. */
  private streamSink(id: number, flow: boolean): { sink: StreamSink<unknown>; acked(weight: number): void; ended: boolean } {
    let unacked = 0;
    const ackListeners = new Set<() => void>();
    const stream = {
      ended: false,
      sink: {} as StreamSink<unknown>,
      acked: (weight: number): void => {
        unacked = Math.max(0, unacked - weight);
        for (const listener of ackListeners) listener();
      },
    };
    stream.sink = {
      send: (event, weight = 1) => {
        if (stream.ended || this.lifetime.isDisposed) return;
        if (flow) unacked += weight;
        const list = this.queued.get(id);
        if (list) list.push(event);
        else this.queued.set(id, [event]);
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => this.flush());
        }
      },
      end: (error) => {
        if (stream.ended) return;
        this.flush();
        this.close(id);
        this.end(id, error);
      },
      get unacked() {
        return unacked;
      },
      onAck: (listener) => {
        ackListeners.add(listener);
        return toDisposable(() => ackListeners.delete(listener));
      },
    };
    return stream;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.lifetime.isDisposed) return;
    const batches = [...this.queued];
    this.queued.clear();
    for (const [id, events] of batches) {
      try {
        this.send({ t: 'events', id, events });
      } catch (error) {
        // Events that cannot be sent are a bug of their stream: that stream ends, the others go on.
        guard(() => {
          this.log(`Fleetdeck: unexpected error sending events of stream ${id}: ${describe(error)}`);
          this.close(id);
          this.end(id, { code: 'failed', message: 'The core could not send this stream\'s events; it was logged.' });
        });
      }
    }
  }

  private close(id: number): void {
    const stream = this.open.get(id);
    if (!stream) return;
    this.open.delete(id);
    this.queued.delete(id);
    stream.resource.dispose();
  }

  private unexpected(id: number, error: unknown): void {
    this.log(`Fleetdeck: unexpected error handling a message (id ${id}): ${describe(error)}`);
    this.fail(id, { code: 'failed', message: 'The core hit an unexpected error handling this message; it was logged.' });
  }

  private fail(id: number, error: ApiError): void {
    if (!this.lifetime.isDisposed) this.send({ t: 'result', id, ok: false, error });
  }

  private end(id: number, error?: ApiError): void {
    if (!this.lifetime.isDisposed) this.send(error ? { t: 'end', id, error } : { t: 'end', id });
  }
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** Runs what answers an unexpected error; if even that fails (the transport is gone), there is no
 * one left to tell. */
function guard(answer: () => void): void {
  try {
    answer();
  } catch {
    // nothing more to do for this message
  }
}

/** The id a message gave, so that even a refused one can be answered; -1 when it gave none. */
function messageId(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'id')) return -1;
  const id = (raw as { id: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) ? id : -1;
}

function invalid(what: string, error: z.ZodError, code: ApiError['code'] = 'invalid_input'): ApiError {
  return { code, message: `Invalid ${what}: ${z.prettifyError(error)}` };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof CoreFailure) {
    return error.hint ? { code: error.code, message: error.message, hint: error.hint } : { code: error.code, message: error.message };
  }
  // An unexpected exception: say what it was, and keep the console running.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'failed', message };
}
