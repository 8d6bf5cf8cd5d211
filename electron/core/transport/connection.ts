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
  const handlers = api.requests as unknown as Record<string, Handler | undefined>;
  const openers = api.streams as unknown as Record<string, Opener | undefined>;
  const open = new Map<number, OpenStream>();
  const lifetime = new DisposableStore();
  // Events are queued per stream and flushed once per turn of the event loop, so a burst of
  // events becomes one message.
  const queued = new Map<number, unknown[]>();
  let flushScheduled = false;

  const flush = (): void => {
    flushScheduled = false;
    if (lifetime.isDisposed) return;
    const batches = [...queued];
    queued.clear();
    for (const [id, events] of batches) {
      try {
        send({ t: 'events', id, events });
      } catch (error) {
        // Events that cannot be sent are a bug of their stream: that stream ends, the others go on.
        guard(() => {
          log(`Fleetdeck: unexpected error sending events of stream ${id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          close(id);
          end(id, { code: 'failed', message: 'The core could not send this stream\'s events; it was logged.' });
        });
      }
    }
  };

  const openStream = (id: number, name: string, params: unknown): void => {
    if (open.has(id)) return fail(id, { code: 'invalid_message', message: `Stream id ${id} is already open.` });
    const def = own(contract.streams, name);
    const opener = own(openers, name);
    if (!def || !opener) return end(id, { code: 'unknown_stream', message: `No stream named "${name.slice(0, 100)}".` });
    if (open.size >= MAX_STREAMS_PER_CONNECTION) {
      return end(id, { code: 'failed', message: `This connection already has ${MAX_STREAMS_PER_CONNECTION} streams open, the most it may have: close some first.` });
    }
    const parsed = def.params.safeParse(params);
    if (!parsed.success) return end(id, invalid(`stream ${name}`, parsed.error));

    let unacked = 0;
    let ended = false;
    const ackListeners = new Set<() => void>();
    const sink: StreamSink<unknown> = {
      send(event, weight = 1) {
        if (ended || lifetime.isDisposed) return;
        if (def.flow) unacked += weight;
        const list = queued.get(id);
        if (list) list.push(event);
        else queued.set(id, [event]);
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      },
      end(error) {
        if (ended) return;
        flush();
        close(id);
        end(id, error);
      },
      get unacked() {
        return unacked;
      },
      onAck(listener) {
        ackListeners.add(listener);
        return toDisposable(() => ackListeners.delete(listener));
      },
    };
    try {
      const resource = opener(parsed.data, sink);
      open.set(id, {
        resource: toDisposable(() => {
          ended = true;
          resource.dispose();
        }),
        acked(weight) {
          unacked = Math.max(0, unacked - weight);
          for (const listener of ackListeners) listener();
        },
      });
    } catch (error) {
      end(id, toApiError(error));
    }
  };

  const close = (id: number): void => {
    const stream = open.get(id);
    if (!stream) return;
    open.delete(id);
    queued.delete(id);
    stream.resource.dispose();
  };

  const call = async (id: number, name: string, input: unknown): Promise<void> => {
    const def = own(contract.requests, name);
    const handler = own(handlers, name);
    if (!def || !handler) return fail(id, { code: 'unknown_method', message: `No request named "${name.slice(0, 100)}".` });
    try {
      const parsed = def.input.safeParse(input);
      if (!parsed.success) return fail(id, invalid(`request ${name}`, parsed.error));
      const output = await handler(parsed.data);
      if (!lifetime.isDisposed) send({ t: 'result', id, ok: true, output });
    } catch (error) {
      fail(id, toApiError(error));
    }
  };

  const unexpected = (id: number, error: unknown): void => {
    log(`Fleetdeck: unexpected error handling a message (id ${id}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    fail(id, { code: 'failed', message: 'The core hit an unexpected error handling this message; it was logged.' });
  };

  const fail = (id: number, error: ApiError): void => {
    if (!lifetime.isDisposed) send({ t: 'result', id, ok: false, error });
  };
  const end = (id: number, error?: ApiError): void => {
    if (!lifetime.isDisposed) send(error ? { t: 'end', id, error } : { t: 'end', id });
  };

  const receiveMessage = (raw: unknown): void => {
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) return fail(messageId(raw), invalid('message', parsed.error, 'invalid_message'));
    const message = parsed.data;
    switch (message.t) {
      case 'call':
        call(message.id, message.method, message.input).catch((error: unknown) => guard(() => unexpected(message.id, error)));
        return;
      case 'open':
        return openStream(message.id, message.stream, message.params);
      case 'close':
        return close(message.id);
      case 'ack':
        return open.get(message.id)?.acked(message.weight);
    }
  };

  lifetime.add(
    toDisposable(() => {
      for (const id of [...open.keys()]) close(id);
    }),
  );

  return {
    receive(raw) {
      if (lifetime.isDisposed) return;
      // The last line of defence: a message that finds a bug costs its own answer, not the core.
      try {
        receiveMessage(raw);
      } catch (error) {
        guard(() => unexpected(messageId(raw), error));
      }
    },
    dispose() {
      lifetime.dispose();
    },
  };
}

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
