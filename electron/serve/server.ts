import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DOWNSTREAM_PATH } from '../../shared/protocol';
import type { CoreApi } from '../core/transport/coreApi';
import { attachBrowserTransport, refuseUpgrade } from './browserTransport';
import { BrowserAuth } from './auth';
import { allowedHosts, hostIsAllowed, isWildcard, parseRequestTarget, type RequestTarget } from './requestTarget';
import { serveStatic } from './staticFiles';

// Browser mode's web server: the built renderer, and the transport to the core behind the token.
// Every request and upgrade passes one gate first (a target that parses, a Host this server is
// bound to), and an unexpected error costs that one request, never the process: the process holds
// the operator's SSH sessions and running deploys.

export interface BrowserServerOptions {
  api: CoreApi;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  /** Where refusals worth knowing and unexpected errors are told (default: stderr). */
  log?: (line: string) => void;
  /** Bytes a page may leave unread before it is dropped (default MAX_UNSENT_DOWN_BYTES). */
  maxUnsentDownBytes?: number;
}

export interface BrowserServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The page and its files: the renderer's own, nothing secret (the token is checked on /down and /ws). */
const PAGE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token is in the page's URL until the page removes it: never send it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
};

type Admission = { ok: true; target: RequestTarget } | { ok: false; status: 400 | 421; reason: string };

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const log = options.log ?? ((line: string) => console.warn(line));
  // A weak token is refused before anything listens.
  const auth = new BrowserAuth(options.token, log);
  const transport = attachBrowserTransport(options.api, { authorize: auth.authorize, log, maxUnsentBytes: options.maxUnsentDownBytes });
  let hosts: ReadonlySet<string> = new Set();
  let wildcardPort: number | null = null;

  const admit = (req: IncomingMessage): Admission => {
    const parsed = parseRequestTarget(req.url);
    if (!parsed.ok) return parsed;
    if (!hostIsAllowed(req.headers, hosts, wildcardPort)) {
      return {
        ok: false,
        status: 421,
        reason: `this console answers to ${[...hosts].join(', ')}, not to the Host ${JSON.stringify((req.headers.host ?? '').slice(0, 100))} (a page reached under another name may not use it)`,
      };
    }
    return parsed;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const admission = admit(req);
    if (!admission.ok) return plainText(res, admission.status, admission.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    if (admission.target.path === DOWNSTREAM_PATH) return transport.openDown(req, res, admission.target);
    serveStatic(options.rendererDir, admission.target.path, res, PAGE_HEADERS);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const admission = admit(req);
    if (!admission.ok) return refuseUpgrade(socket, admission.status, admission.reason);
    transport.upgrade(req, socket, head, admission.target);
  };

  const server = http.createServer((req, res) =>
    guarded(log, req, () => onRequest(req, res), () => (res.headersSent ? res.destroy() : plainText(res, 500, 'an unexpected error; it was logged'))),
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    guarded(log, req, () => onUpgrade(req, socket, head), () => socket.destroy()),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`port ${options.port} on ${options.host} is in use: stop the other program or choose another with --port N.`));
      } else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(isWildcard(options.host) ? 'localhost' : options.host, port);
  wildcardPort = isWildcard(options.host) ? port : null;

  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/?token=${encodeURIComponent(options.token)}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        transport.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The last line of defence: an unexpected error is logged with the request it cost, and answered. */
export function guarded(log: (line: string) => void, req: IncomingMessage, serve: () => void, answer: () => void): void {
  try {
    serve();
  } catch (error) {
    log(`Fleetdeck: unexpected error serving ${req.method ?? '?'} ${JSON.stringify((req.url ?? '').slice(0, 200))}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    try {
      answer();
    } catch {
      req.socket.destroy();
    }
  }
}

function plainText(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`Fleetdeck: ${reason}\n`);
}
