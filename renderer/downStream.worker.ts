import { FrameReader } from '../shared/wire';

// Reads browser mode's down stream (electron/serve/browserTransport.ts) off the page's main
// thread. Under a terminal flood, receiving the bytes and cutting them into frames took a fifth of
// the main thread, which xterm.js needs; here it costs a worker, and the frames are handed over
// without copying (their buffers are transferred). Decoding stays on the main thread: a frame's
// JSON is small.

/** What the worker tells the page. */
export type DownStreamNews =
  | { kind: 'frames'; frames: Uint8Array[] }
  | { kind: 'refused'; status: number; reason: string }
  | { kind: 'ended'; reason: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ url: string }>) => void) | null;
  postMessage(news: DownStreamNews, transfer?: ArrayBuffer[]): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = ({ data: { url } }) => {
  scope.onmessage = null;
  void read(url);
};

async function read(url: string): Promise<void> {
  try {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok || !res.body) {
      const reason = (await res.text()).replace(/^Fleetdeck: /, '').trim();
      return scope.postMessage({ kind: 'refused', status: res.status, reason: reason || `HTTP ${res.status}` });
    }
    const reader = res.body.getReader();
    const cutter = new FrameReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return scope.postMessage({ kind: 'ended', reason: 'the core is not answering' });
      const frames = cutter.push(value);
      if (frames.length === 0) continue;
      // Frames are views into the chunks read: transfer each buffer once, unless the cutter still
      // holds part of it (the start of the next frame), in which case those frames are copied.
      const held = cutter.heldBuffers();
      const transfer = new Set<ArrayBuffer>();
      const out = frames.map((frame) => {
        if (held.has(frame.buffer)) return frame.slice();
        transfer.add(frame.buffer as ArrayBuffer);
        return frame;
      });
      scope.postMessage({ kind: 'frames', frames: out }, [...transfer]);
    }
  } catch (error) {
    scope.postMessage({ kind: 'ended', reason: error instanceof Error && error.message.startsWith('broken frame') ? error.message : 'the core is not answering' });
  }
}
