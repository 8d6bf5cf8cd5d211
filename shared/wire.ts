import type { ServerMessage } from './protocol';

// How the core's messages travel to a browser page (browser mode): as frames on one long HTTP
// response, read with fetch. A frame carries one message as JSON, except that bytes in an event
// (a Uint8Array as a top-level field, such as terminal output) travel as they are, after the JSON:
// never escaped into text, never decoded on the way. Electron's IPC needs none of this: structured
// clone carries a Uint8Array as it is.
//
// Frame: [length of the rest, u32 LE][header length, u32 LE][header: UTF-8 JSON][blobs, back to back]
// The header is { m: the message with each blob replaced by { $blob: n }, b: [the blobs' lengths] }.

// Both Node and browsers have TextEncoder and TextDecoder; shared/ compiles without either's types.
const { TextEncoder, TextDecoder } = globalThis as unknown as {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
};
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the down stream carries: the first frame pairs it with the page's WebSocket, then messages. */
export type DownFrame = ServerMessage | { t: 'hello'; pair: string };

interface BlobRef {
  $blob: number;
}

/**
 * One frame as its parts: the lengths and the JSON header, then each blob as it is (not copied:
 * a sender writes the parts one after the other).
 */
export function encodeFrame(message: DownFrame): Uint8Array[] {
  const blobs: Uint8Array[] = [];
  let m: DownFrame = message;
  if (message.t === 'events' && message.events.some(hasBytes)) {
    const events = message.events.map((event) => {
      if (!hasBytes(event)) return event;
      const copy: Record<string, unknown> = { ...(event as Record<string, unknown>) };
      for (const [key, value] of Object.entries(copy)) {
        if (value instanceof Uint8Array) copy[key] = { $blob: blobs.push(value) - 1 } satisfies BlobRef;
      }
      return copy;
    });
    m = { ...message, events };
  }
  const header = encoder.encode(JSON.stringify({ m, b: blobs.map((b) => b.byteLength) }));
  const head = new Uint8Array(8 + header.byteLength);
  const view = new DataView(head.buffer);
  view.setUint32(0, 4 + header.byteLength + blobs.reduce((n, b) => n + b.byteLength, 0), true);
  view.setUint32(4, header.byteLength, true);
  head.set(header, 8);
  return [head, ...blobs];
}

/** The message of one whole frame (as FrameReader cuts them). Blobs are views into it, not copies. */
export function decodeFrame(frame: Uint8Array): DownFrame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.byteLength < 8 || view.getUint32(0, true) !== frame.byteLength - 4) throw new Error('broken frame: its length is wrong');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > frame.byteLength) throw new Error('broken frame: shorter than its header');
  const { m, b } = JSON.parse(decoder.decode(frame.subarray(8, 8 + headerLength))) as { m: DownFrame; b: number[] };
  if (b.length === 0) return m;
  const blobs: Uint8Array[] = [];
  let at = 8 + headerLength;
  for (const length of b) {
    if (at + length > frame.byteLength) throw new Error('broken frame: shorter than its blobs');
    blobs.push(frame.subarray(at, at + length));
    at += length;
  }
  if (m.t !== 'events') throw new Error('broken frame: bytes in a message that is not events');
  for (const event of m.events as Array<Record<string, unknown>>) {
    for (const [key, value] of Object.entries(event)) {
      if (!isBlobRef(value)) continue;
      const blob = blobs[value.$blob];
      if (!blob) throw new Error(`broken frame: no blob ${value.$blob}`);
      event[key] = blob;
    }
  }
  return m;
}

/** Cuts a byte stream, arriving in chunks of any size, into whole frames. */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.byteLength;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const size = 4 + this.peekLength();
      if (this.buffered < size) return frames;
      frames.push(this.take(size));
    }
  }

  /** The buffers that bytes still waiting for the rest of their frame live in. */
  heldBuffers(): Set<ArrayBufferLike> {
    return new Set(this.chunks.map((c) => c.buffer));
  }

  /** The frame length at the start of what is buffered (little-endian u32, maybe across chunks). */
  private peekLength(): number {
    let length = 0;
    let got = 0;
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.byteLength && got < 4; i++, got++) length += chunk[i]! * 2 ** (8 * got);
      if (got === 4) break;
    }
    return length;
  }

  /** Removes the first `size` bytes: a view when they lie in one chunk, else a copy. */
  private take(size: number): Uint8Array {
    this.buffered -= size;
    const first = this.chunks[0]!;
    if (first.byteLength >= size) {
      if (first.byteLength === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      return first.subarray(0, size);
    }
    const out = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.byteLength, size - at);
      out.set(chunk.subarray(0, n), at);
      at += n;
      if (n === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    return out;
  }
}

function hasBytes(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  for (const key in event) if ((event as Record<string, unknown>)[key] instanceof Uint8Array) return true;
  return false;
}

function isBlobRef(value: unknown): value is BlobRef {
  return typeof value === 'object' && value !== null && typeof (value as BlobRef).$blob === 'number' && Object.keys(value).length === 1;
}
