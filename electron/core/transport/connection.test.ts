import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ServerMessage } from '../../../shared/protocol';
import { toDisposable } from '../../../shared/disposable';
import type { CoreApi, StreamSink } from './coreApi';
import { MAX_STREAMS_PER_CONNECTION, openConnection, type Contract } from './connection';

// The generic connection with a contract of its own: a flow-controlled stream whose producer
// pauses when too much is unacknowledged, as terminals will, and a request that fails.

const contract: Contract = {
  requests: { 'echo.fail': { input: z.object({ why: z.string() }), output: z.never() } },
  streams: { 'bytes.flood': { params: z.object({ chunk: z.number() }), event: z.string(), flow: true } },
};

function harness() {
  const sent: ServerMessage[] = [];
  const state = { produced: 0, paused: 0, disposed: false };
  const api = {
    requests: harnessApi().requests,
    streams: {
      'bytes.flood': ({ chunk }: { chunk: number }, sink: StreamSink<string>) => {
        const HIGH = 3 * chunk;
        const pump = (): void => {
          while (sink.unacked < HIGH) {
            sink.send('x'.repeat(chunk), chunk);
            state.produced += chunk;
          }
          state.paused++;
        };
        const ack = sink.onAck(pump);
        pump();
        return toDisposable(() => {
          ack.dispose();
          state.disposed = true;
        });
      },
    },
  } as unknown as CoreApi;
  const connection = openConnection(api, (m) => sent.push(m), contract);
  return { sent, state, connection };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('openConnection', () => {
  it('stops a flow-controlled producer at its high mark and resumes it on acknowledgement', async () => {
    const { sent, state, connection } = harness();
    connection.receive({ t: 'open', id: 1, stream: 'bytes.flood', params: { chunk: 10 } });
    await tick();
    expect(state.produced).toBe(30);
    // One message carries the batch of three events.
    expect(sent).toEqual([{ t: 'events', id: 1, events: ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(10)] }]);

    connection.receive({ t: 'ack', id: 1, weight: 20 });
    expect(state.produced).toBe(50);
    connection.receive({ t: 'close', id: 1 });
    expect(state.disposed).toBe(true);
  });

  it('frees every open stream when the client goes away', () => {
    const { state, connection } = harness();
    connection.receive({ t: 'open', id: 1, stream: 'bytes.flood', params: { chunk: 1 } });
    connection.dispose();
    expect(state.disposed).toBe(true);
  });

  it('turns a thrown error into a failed result and ends unknown streams', async () => {
    const { sent, connection } = harness();
    connection.receive({ t: 'call', id: 5, method: 'echo.fail', input: { why: 'disk full on web-1' } });
    connection.receive({ t: 'open', id: 6, stream: 'nope', params: {} });
    connection.receive({ t: 'open', id: 7, stream: 'bytes.flood', params: { chunk: 'big' } });
    await tick();
    expect(sent).toContainEqual({ t: 'result', id: 5, ok: false, error: { code: 'failed', message: 'disk full on web-1' } });
    expect(sent).toContainEqual(expect.objectContaining({ t: 'end', id: 6, error: expect.objectContaining({ code: 'unknown_stream' }) }));
    expect(sent).toContainEqual(expect.objectContaining({ t: 'end', id: 7, error: expect.objectContaining({ code: 'invalid_input' }) }));
  });

  it('knows no request or stream by a name of Object.prototype', async () => {
    const { sent, connection } = harness();
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    names.forEach((name, i) => {
      connection.receive({ t: 'call', id: i, method: name, input: {} });
      connection.receive({ t: 'open', id: 100 + i, stream: name, params: {} });
    });
    await tick();
    names.forEach((_, i) => {
      expect(sent).toContainEqual(expect.objectContaining({ t: 'result', id: i, ok: false, error: expect.objectContaining({ code: 'unknown_method' }) }));
      expect(sent).toContainEqual(expect.objectContaining({ t: 'end', id: 100 + i, error: expect.objectContaining({ code: 'unknown_stream' }) }));
    });
  });

  it(`refuses a stream past ${MAX_STREAMS_PER_CONNECTION} open ones, saying so, and serves it again once one closes`, async () => {
    const { sent, connection } = harness();
    for (let id = 1; id <= MAX_STREAMS_PER_CONNECTION + 1; id++) connection.receive({ t: 'open', id, stream: 'bytes.flood', params: { chunk: 1 } });
    await tick();
    const refused = sent.find((m) => m.t === 'end' && m.id === MAX_STREAMS_PER_CONNECTION + 1);
    expect(refused).toMatchObject({ error: { code: 'failed', message: expect.stringContaining(`${MAX_STREAMS_PER_CONNECTION} streams open`) } });
    expect(sent.filter((m) => m.t === 'end')).toHaveLength(1);
    connection.receive({ t: 'close', id: 1 });
    connection.receive({ t: 'open', id: 9999, stream: 'bytes.flood', params: { chunk: 1 } });
    await tick();
    expect(sent.some((m) => m.t === 'events' && m.id === 9999)).toBe(true);
  });

  it('answers a message that hits a bug with a failed result, logs it, and serves the next one', async () => {
    const logged: string[] = [];
    const broken: Contract = {
      requests: contract.requests,
      // A schema that throws stands for any bug on the way from a message to its handler.
      streams: { 'bytes.flood': { ...contract.streams['bytes.flood']!, params: { safeParse: () => { throw new Error('a bug'); } } as unknown as z.ZodType } },
    };
    const sent: ServerMessage[] = [];
    const connection = openConnection(harnessApi(), (m) => sent.push(m), broken, (line) => logged.push(line));
    connection.receive({ t: 'open', id: 3, stream: 'bytes.flood', params: { chunk: 1 } });
    connection.receive({ t: 'call', id: 4, method: 'echo.fail', input: { why: 'still serving' } });
    await tick();
    expect(sent).toContainEqual({ t: 'result', id: 3, ok: false, error: expect.objectContaining({ code: 'failed' }) });
    expect(sent).toContainEqual({ t: 'result', id: 4, ok: false, error: { code: 'failed', message: 'still serving' } });
    expect(logged).toEqual([expect.stringContaining('a bug')]);
  });
});

function harnessApi(): CoreApi {
  return {
    requests: {
      'echo.fail': async ({ why }: { why: string }) => {
        throw new Error(why);
      },
    },
    streams: { 'bytes.flood': () => toDisposable(() => undefined) },
  } as unknown as CoreApi;
}
