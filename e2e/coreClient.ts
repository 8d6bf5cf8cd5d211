import WebSocket from 'ws';
import { DOWNSTREAM_PATH, WEBSOCKET_PATH, type ServerMessage } from '../shared/protocol';
import { decodeFrame, FrameReader } from '../shared/wire';
import type { RequestInput, RequestName, RequestOutput } from '../shared/api';

// A protocol client for tests in Node that talks to a console in browser mode as a page does:
// messages down a long HTTP response, up a WebSocket paired to it (electron/serve/browserTransport.ts).

export interface NodeCoreClient {
  call<M extends RequestName>(method: M, input: RequestInput<M>): Promise<RequestOutput<M>>;
  close(): void;
}

/** `pageUrl` is the URL the console prints (`http://127.0.0.1:PORT/?token=…`). */
export async function connectCore(pageUrl: string): Promise<NodeCoreClient> {
  const url = new URL(pageUrl);
  const token = url.searchParams.get('token') ?? '';
  const headers = { Origin: url.origin };
  const abort = new AbortController();
  const res = await fetch(`${url.origin}${DOWNSTREAM_PATH}?token=${encodeURIComponent(token)}`, { headers, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`the down stream answered HTTP ${res.status}`);
  const pending = new Map<number, (message: ServerMessage) => void>();
  let pair: (value: string) => void = () => undefined;
  const paired = new Promise<string>((resolve) => (pair = resolve));
  void (async () => {
    const reader = res.body!.getReader();
    const frames = new FrameReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of frames.push(value)) {
          const message = decodeFrame(frame);
          if (message.t === 'hello') pair(message.pair);
          else if (message.t === 'result') pending.get(message.id)?.(message);
        }
      }
    } catch {
      // closed
    }
  })();
  const ws = new WebSocket(`${url.origin.replace(/^http/, 'ws')}${WEBSOCKET_PATH}?token=${encodeURIComponent(token)}&down=${await paired}`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  return {
    call: (method, input) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, (message) => {
          pending.delete(id);
          if (message.t !== 'result') return;
          if (message.ok) resolve(message.output as never);
          else reject(new Error(`${method}: ${message.error.message}`));
        });
        ws.send(JSON.stringify({ t: 'call', id, method, input }));
      }),
    close: () => {
      ws.close();
      abort.abort();
    },
  };
}
