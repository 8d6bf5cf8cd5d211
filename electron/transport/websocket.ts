import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WEBSOCKET_PATH } from '../../shared/protocol';
import { toDisposable, type Disposable } from '../../shared/disposable';
import type { CoreApi } from './coreApi';
import { openConnection } from './connection';

// The browser-mode transport: one WebSocket per page, carrying protocol messages as JSON. It
// knows nothing of the features; who may connect is decided by `authorize`.

export type Authorization = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export function attachWebSocket(server: Server, api: CoreApi, authorize: (req: IncomingMessage) => Authorization): Disposable {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found', 'no WebSocket here');
    const verdict = authorize(req);
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.status === 401 ? 'Unauthorized' : 'Forbidden', verdict.reason);
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  };

  const serve = (ws: WebSocket): void => {
    const connection = openConnection(api, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
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
    ws.on('close', () => {
      clearInterval(ping);
      connection.dispose();
    });
    ws.on('error', () => ws.terminate());
  };

  server.on('upgrade', onUpgrade);
  return toDisposable(() => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
}

function refuse(socket: Duplex, status: number, text: string, reason: string): void {
  const body = `Fleetdeck: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
