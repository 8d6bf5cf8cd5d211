import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame as encodeParts, FrameReader, type DownFrame } from './wire';

/** Parts (a frame's, or frames) in one buffer, as they arrive on the stream. */
function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const encodeFrame = (message: DownFrame): Uint8Array => joinParts(encodeParts(message));

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('wire frames', () => {
  it('carries a message without bytes as JSON', () => {
    const message: DownFrame = { t: 'events', id: 3, events: [{ kind: 'closed', reason: 'bye', error: false }] };
    expect(decodeFrame(encodeFrame(message))).toEqual(message);
    expect(decodeFrame(encodeFrame({ t: 'hello', pair: 'p-1' }))).toEqual({ t: 'hello', pair: 'p-1' });
  });

  it('carries the bytes of events as they are, next to the JSON', () => {
    const a = bytesOf('héllo ');
    const b = Uint8Array.of(0, 255, 0x1b, 0x5b);
    const message: DownFrame = {
      t: 'events',
      id: 7,
      events: [{ kind: 'output', data: a }, { kind: 'closed', reason: '{"$blob":0}', error: true }, { kind: 'output', data: b }],
    };
    const parts = encodeParts(message);
    // The bytes are sent as they are, not copied into the frame.
    expect(parts.slice(1)).toEqual([a, b]);
    expect(parts[1]).toBe(a);
    const back = decodeFrame(joinParts(parts));
    expect(back).toEqual(message);
    // The text that looks like a blob reference stayed text.
    expect((back as { events: Array<{ reason?: string }> }).events[1]!.reason).toBe('{"$blob":0}');
  });

  it('refuses a frame whose lengths do not add up, with an error', () => {
    const frame = encodeFrame({ t: 'events', id: 1, events: [{ data: new Uint8Array(100) }] });
    expect(() => decodeFrame(frame.subarray(0, frame.length - 1))).toThrow(/length is wrong/);
    const lying = frame.slice();
    new DataView(lying.buffer).setUint32(4, 5000, true);
    expect(() => decodeFrame(lying)).toThrow(/shorter than its header/);
  });
});

describe('FrameReader', () => {
  const messages: DownFrame[] = [
    { t: 'hello', pair: 'x' },
    { t: 'events', id: 2, events: [{ kind: 'output', data: bytesOf('a'.repeat(300) + '€') }] },
    { t: 'result', id: 9, ok: true, output: { n: 1 } },
    { t: 'end', id: 2 },
  ];
  const stream = joinParts(messages.map(encodeFrame));

  it('gives the same messages whatever the stream is cut into: at every pair of split points', () => {
    for (let i = 0; i <= stream.length; i += 7) {
      for (let j = i; j <= stream.length; j += 13) {
        const reader = new FrameReader();
        const frames = [...reader.push(stream.subarray(0, i)), ...reader.push(stream.subarray(i, j)), ...reader.push(stream.subarray(j))];
        expect(frames.map(decodeFrame)).toEqual(messages);
      }
    }
    // Some two thousand cuts: seconds on a loaded 2-core machine, so not vitest's 5 s default.
  }, 60_000);

  it('byte by byte, too, and holds a partial frame back until it is whole', () => {
    const reader = new FrameReader();
    const out: DownFrame[] = [];
    for (let i = 0; i < stream.length - 1; i++) out.push(...reader.push(stream.subarray(i, i + 1)).map(decodeFrame));
    expect(out).toEqual(messages.slice(0, -1));
    out.push(...reader.push(stream.subarray(stream.length - 1)).map(decodeFrame));
    expect(out).toEqual(messages);
  });
});
