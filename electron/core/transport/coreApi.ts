import type { z } from 'zod';
import type { ApiError } from '../../../shared/protocol';
import type { Disposable } from '../../../shared/disposable';
import type { RequestName, RequestOutput, Requests, StreamEvent, StreamName, Streams } from '../../../shared/api';

// What the core implements: one handler per request and one per stream of shared/api.ts.
// The type makes a missing or mistyped handler a compile error.

export type RequestHandlers = {
  [N in RequestName]: (input: z.output<Requests[N]['input']>) => Promise<RequestOutput<N>>;
};

export type StreamOpeners = {
  [N in StreamName]: (params: z.output<Streams[N]['params']>, sink: StreamSink<StreamEvent<N>>) => Disposable;
};

export interface CoreApi {
  requests: RequestHandlers;
  streams: StreamOpeners;
}

/** Where a stream's events go. The opener owns the producing resource and releases it when the
 * Disposable it returned is disposed (the client closed the stream or went away). */
export interface StreamSink<E> {
  /** Queue an event; `weight` (default 1) counts toward `unacked` on flow-controlled streams. */
  send(event: E, weight?: number): void;
  /** End the stream from the core's side, with an error if it failed. */
  end(error?: ApiError): void;
  /** Weight sent and not yet acknowledged by the client (always 0 on other streams). */
  readonly unacked: number;
  /** Called after each acknowledgement, so a paused producer can resume. */
  onAck(listener: () => void): Disposable;
}

/** An error the user can act on. Throw it from a handler; anything else becomes code 'failed'. */
export class CoreFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code: ApiError['code'] = 'failed',
  ) {
    super(message);
    this.name = 'CoreFailure';
  }
}

/** The handlers of one feature's part of the contract (shared/contract/<feature>.ts), which
 * core.ts joins: each feature's file in electron/ exports a function that returns its part. */
export type ApiPart<R extends RequestName, S extends StreamName> = {
  requests: Pick<RequestHandlers, R>;
  streams: Pick<StreamOpeners, S>;
};
