import net from 'node:net';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/protocol';
import { decodeFrame, FrameReader, type DownFrame } from '../../shared/wire';

// A browser-mode client for tests and the fuzz bench: a protocol client as the page is one
// (messages down a fetch, up a WebSocket paired to it), and raw HTTP for what fetch would not send.

export async function until(what: string, done: () => boolean, tries = 400): Promise<void> {
  for (let i = 0; i < tries && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

/** Opens the down stream and gives its pairing id, and every message that comes down it. */
export async function openDown(base: string, token: string, headers: Record<string, string> = { Origin: base }) {
  const down = new AbortController();
  const res = await fetch(`${base}/down?token=${encodeURIComponent(token)}`, { headers, signal: down.signal });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const reader = res.body!.getReader();
  const frames = new FrameReader();
  const messages: DownFrame[] = [];
  let ended = false;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of frames.push(value)) messages.push(decodeFrame(frame));
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  await until('the hello frame', () => messages.length > 0);
  const hello = messages.shift()!;
  if (hello.t !== 'hello') throw new Error(`the first frame was ${JSON.stringify(hello)}`);
  return { pair: hello.pair, messages: messages as ServerMessage[], abort: () => down.abort(), ended: () => ended };
}

export function openWebSocket(base: string, query: string, headers: Record<string, string> = { Origin: base }): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?${query}`, { headers });
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export type TestConnection = Awaited<ReturnType<typeof connect>>;

/** A page's connection: the down stream, and the WebSocket paired to it. */
export async function connect(base: string, token: string, headers: Record<string, string> = { Origin: base }) {
  const down = await openDown(base, token, headers);
  const ws = await openWebSocket(base, `token=${encodeURIComponent(token)}&down=${down.pair}`, headers);
  const { messages } = down;
  const waitFor = async (match: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
    await until(`a matching message; got ${JSON.stringify(messages).slice(-2000)}`, () => messages.some(match));
    return messages.find(match)!;
  };
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { ws, down, messages, waitFor, closed, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

/** Sends `request` as it is on a new TCP connection and gives the status and the whole answer. */
export function rawRequest(port: number, request: string | Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One answer is all a test waits for: a kept-alive connection would not close by itself.
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) {
        const text = Buffer.concat(chunks).toString('utf8');
        const length = /content-length: (\d+)/i.exec(text);
        const body = text.slice(text.indexOf('\r\n\r\n') + 4);
        if (!length || Buffer.byteLength(body) >= Number(length[1])) socket.end();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.write(request);
  });
}
