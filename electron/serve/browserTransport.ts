import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DOWNSTREAM_PATH, WEBSOCKET_PATH } from '../../shared/protocol';
import { encodeFrame, type DownFrame } from '../../shared/wire';
import type { Disposable } from '../../shared/disposable';
import type { CoreApi } from '../core/transport/coreApi';
import { openConnection } from '../core/transport/connection';

// The browser-mode transport. A page first opens the down stream, a long HTTP response that carries
// every message from the core as frames (shared/wire.ts), then a WebSocket that carries its own
// messages up, paired to the down stream by the id in the stream's first frame. Why two: Chromium
// spends about five times more CPU per byte receiving WebSocket messages than reading a fetch
// body, and terminal output is most of the bytes (docs/decisions/0002-fetch-stream-down-websocket-up.md). One stream down
// keeps every message in order. It knows nothing of the features; who may connect is decided by
// `authorize`, and the request's target and Host were checked by the server before it gets here.

export type Authorization =
  | { ok: true }
  /** `delayMs`: answer only after this long (repeated wrong tokens); `drop`: close without answering. */
  | { ok: false; status: 401 | 403; reason: string; delayMs?: number; drop?: boolean };

/** What the transport needs of a request besides the request itself: its path and query, parsed
 * once by the server (electron/serve/requestTarget.ts). */
export interface Target {
  path: string;
  query: URLSearchParams;
}

export interface BrowserTransport extends Disposable {
  /** Serves the down stream (a GET of DOWNSTREAM_PATH). */
  openDown(req: IncomingMessage, res: ServerResponse, target: Target): void;
  /** Serves an upgrade request: the WebSocket on WEBSOCKET_PATH, a 404 anywhere else. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: Target): void;
}

export interface BrowserTransportOptions {
  authorize: (req: IncomingMessage, target: Target) => Authorization;
  log: (line: string) => void;
  /** Bytes a down stream may hold unsent before the page is dropped as not reading. */
  maxUnsentBytes?: number;
}

const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
/** A page that leaves this much of the core's output unread is dropped (it stopped reading, or
 * its link is far too slow): without a bound the core's memory grows with every message. Terminal
 * output is flow-controlled well below it; a snapshot of thousands of hosts is a few MB. */
export const MAX_UNSENT_DOWN_BYTES = 32 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
/** A down stream that no WebSocket claims in this time is closed. */
const PAIR_TIMEOUT_MS = 10_000;

export function attachBrowserTransport(api: CoreApi, options: BrowserTransportOptions): BrowserTransport {
  const { authorize, log } = options;
  const maxUnsent = options.maxUnsentBytes ?? MAX_UNSENT_DOWN_BYTES;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const unpaired = new Map<string, ServerResponse>();
  const downs = new Set<ServerResponse>();

  const openDown = (req: IncomingMessage, res: ServerResponse, target: Target): void => {
    const verdict = authorize(req, target);
    if (!verdict.ok) {
      return refuseLater(verdict, res.socket, () =>
        res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`Fleetdeck: ${verdict.reason}\n`),
      );
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
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, target: Target): void => {
    if (target.path !== WEBSOCKET_PATH) return refuseUpgrade(socket, 404, 'no WebSocket here');
    const verdict = authorize(req, target);
    if (!verdict.ok) return refuseLater(verdict, socket, () => refuseUpgrade(socket, verdict.status, verdict.reason));
    const pair = target.query.get('down') ?? '';
    const down = unpaired.get(pair);
    if (!down) return refuseUpgrade(socket, 409, `no open down stream "${pair.slice(0, 64)}": open ${DOWNSTREAM_PATH} first and pass its id as ?down=`);
    unpaired.delete(pair);
    wss.handleUpgrade(req, socket, head, (ws) => servePage(api, ws, down, { address: req.socket.remoteAddress ?? 'an unknown address', maxUnsent, log }));
  };

  return {
    openDown,
    upgrade,
    dispose() {
      for (const client of wss.clients) client.terminate();
      for (const res of downs) res.destroy();
      wss.close();
    },
  };
}

/** One page's conversation with the core: messages up on its WebSocket, down on its response. */
function servePage(api: CoreApi, ws: WebSocket, down: ServerResponse, o: { address: string; maxUnsent: number; log: (line: string) => void }): void {
  const { address, maxUnsent, log } = o;
  let dropped = false;
  const connection = openConnection(api, (message) => {
    if (dropped || down.writableEnded || down.destroyed) return;
    // Node's buffer behind the response is the queue: what the socket has not taken yet.
    if (down.writableLength > maxUnsent) {
      dropped = true;
      log(`Fleetdeck: dropped the page at ${address}: it left more than ${Math.round(maxUnsent / 1024 / 1024)} MB of the core's messages unread.`);
      ws.terminate();
      down.destroy();
      return;
    }
    writeFrame(down, message);
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
}

/** Answers a refusal now, later (repeated wrong tokens), or not at all (closes the connection). */
function refuseLater(verdict: Extract<Authorization, { ok: false }>, socket: Duplex | null, answer: () => void): void {
  if (verdict.drop) return void socket?.destroy();
  if (!verdict.delayMs) return answer();
  setTimeout(() => {
    if (socket && !socket.destroyed) answer();
  }, verdict.delayMs).unref();
}

/** A frame's parts in one write to the socket (a writev), without copying them into one buffer. */
function writeFrame(res: ServerResponse, frame: DownFrame): void {
  res.cork();
  for (const part of encodeFrame(frame)) res.write(part);
  res.uncork();
}

/** Answers an upgrade request that will not become a WebSocket, and closes its socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `Fleetdeck: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
