import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DOWNSTREAM_PATH, WEBSOCKET_PATH } from '../../shared/protocol';
import { encodeFrame, type DownFrame } from '../../shared/wire';
import { toDisposable, type Disposable } from '../../shared/disposable';
import type { CoreApi } from './coreApi';
import { openConnection } from './connection';

// The browser-mode transport. A page first opens the down stream, a long HTTP response that carries
// every message from the core as frames (shared/wire.ts), then a WebSocket that carries its own
// messages up, paired to the down stream by the id in the stream's first frame. Why two: Chromium
// spends about five times more CPU per byte receiving WebSocket messages than reading a fetch
// body, and terminal output is most of the bytes (docs/decisions/0002-fetch-stream-down-websocket-up.md). One stream down
// keeps every message in order. It knows nothing of the features; who may connect is decided by
// `authorize`.

export type Authorization = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export interface BrowserTransport extends Disposable {
  /** Serves the down stream; false when the request is for something else. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
}

const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
/** A down stream that no WebSocket claims in this time is closed. */
const PAIR_TIMEOUT_MS = 10_000;

export function attachBrowserTransport(server: Server, api: CoreApi, authorize: (req: IncomingMessage) => Authorization): BrowserTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const unpaired = new Map<string, ServerResponse>();
  const downs = new Set<ServerResponse>();

  const handleRequest = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== DOWNSTREAM_PATH) return false;
    const verdict = authorize(req);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`Fleetdeck: ${verdict.reason}\n`);
      return true;
    }
    const pair = randomUUID();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    // Echoes and prompts are small writes: send them now, not after Nagle's wait.
    res.socket?.setNoDelay(true);
    writeFrame(res, { t: 'hello', pair });
    unpaired.set(pair, res);
    downs.add(res);
    const timer = setTimeout(() => unpaired.delete(pair) && res.end(), PAIR_TIMEOUT_MS);
    res.on('close', () => {
      clearTimeout(timer);
      unpaired.delete(pair);
      downs.delete(res);
    });
    return true;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found', 'no WebSocket here');
    const verdict = authorize(req);
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.status === 401 ? 'Unauthorized' : 'Forbidden', verdict.reason);
    const pair = url.searchParams.get('down') ?? '';
    const down = unpaired.get(pair);
    if (!down) return refuse(socket, 409, 'Conflict', `no open down stream "${pair}": open ${DOWNSTREAM_PATH} first and pass its id as ?down=`);
    unpaired.delete(pair);
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, down));
  };

  const serve = (ws: WebSocket, down: ServerResponse): void => {
    const connection = openConnection(api, (message) => {
      if (!down.writableEnded && !down.destroyed) writeFrame(down, message);
    });
    let alive = true;
    ws.on('pong', () => (alive = true));
    // A page that vanished without closing (laptop lid, network) is found and its streams freed.
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, PING_INTERVAL_MS);
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        message = { t: 'not json' };
      }
      connection.receive(message);
    });
    // Either half going means the page is gone (or reloading): both close, and its streams end.
    down.on('close', () => ws.terminate());
    ws.on('close', () => {
      clearInterval(ping);
      connection.dispose();
      down.end();
    });
    ws.on('error', () => ws.terminate());
  };

  server.on('upgrade', onUpgrade);
  return {
    handleRequest,
    dispose() {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      for (const res of downs) res.destroy();
      wss.close();
    },
  };
}

/** A frame's parts in one write to the socket (a writev), without copying them into one buffer. */
function writeFrame(res: ServerResponse, frame: DownFrame): void {
  res.cork();
  for (const part of encodeFrame(frame)) res.write(part);
  res.uncork();
}

function refuse(socket: Duplex, status: number, text: string, reason: string): void {
  const body = `Fleetdeck: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
