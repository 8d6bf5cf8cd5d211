import { z } from 'zod';
import { requests, streams, type RequestDef, type StreamDef } from '../../shared/api';
import type { ApiError, ServerMessage } from '../../shared/protocol';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/disposable';
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

export function openConnection(
  api: CoreApi,
  send: (message: ServerMessage) => void,
  contract: Contract = { requests, streams },
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
    for (const [id, events] of queued) send({ t: 'events', id, events });
    queued.clear();
  };

  const openStream = (id: number, name: string, params: unknown): void => {
    if (open.has(id)) return fail(id, { code: 'invalid_message', message: `Stream id ${id} is already open.` });
    const def = contract.streams[name];
    const opener = openers[name];
    if (!def || !opener) return end(id, { code: 'unknown_stream', message: `No stream named "${name}".` });
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
    const def = contract.requests[name];
    const handler = handlers[name];
    if (!def || !handler) return fail(id, { code: 'unknown_method', message: `No request named "${name}".` });
    const parsed = def.input.safeParse(input);
    if (!parsed.success) return fail(id, invalid(`request ${name}`, parsed.error));
    try {
      const output = await handler(parsed.data);
      if (!lifetime.isDisposed) send({ t: 'result', id, ok: true, output });
    } catch (error) {
      fail(id, toApiError(error));
    }
  };

  const fail = (id: number, error: ApiError): void => {
    if (!lifetime.isDisposed) send({ t: 'result', id, ok: false, error });
  };
  const end = (id: number, error?: ApiError): void => {
    if (!lifetime.isDisposed) send(error ? { t: 'end', id, error } : { t: 'end', id });
  };

  lifetime.add(
    toDisposable(() => {
      for (const id of [...open.keys()]) close(id);
    }),
  );

  return {
    receive(raw) {
      if (lifetime.isDisposed) return;
      const parsed = ClientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        return fail(id, invalid('message', parsed.error, 'invalid_message'));
      }
      const message = parsed.data;
      switch (message.t) {
        case 'call':
          void call(message.id, message.method, message.input);
          return;
        case 'open':
          return openStream(message.id, message.stream, message.params);
        case 'close':
          return close(message.id);
        case 'ack':
          return open.get(message.id)?.acked(message.weight);
      }
    },
    dispose() {
      lifetime.dispose();
    },
  };
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
