import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DisposableStore, toDisposable } from '../../shared/disposable';
import type { CoreApi } from '../transport/coreApi';
import { attachBrowserTransport, type BrowserTransport } from '../transport/browserTransport';
import { allowedOrigins, BrowserAuth } from './auth';
import { serveStatic } from './staticFiles';

// Browser mode's web server: the built renderer and the transport to the core, behind the token.

export interface BrowserServerOptions {
  api: CoreApi;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
}

export interface BrowserServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const store = new DisposableStore();
  let auth: BrowserAuth | null = null;
  let transport: BrowserTransport | null = null;

  const server = http.createServer((req, res) => {
    if (!auth || !transport) return void res.writeHead(503).end();
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (transport.handleRequest(req, res)) return;
    if (!auth.hasToken(req)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('Fleetdeck: this console needs its token. Open the URL it printed when it started (…/?token=…).\n');
      return;
    }
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      // The token is in the page's URL: never send it to anyone in a Referer.
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    };
    if (auth.tokenInQuery(req)) headers['Set-Cookie'] = auth.cookieHeader();
    serveStatic(options.rendererDir, url.pathname, res, headers);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`port ${options.port} on ${options.host} is in use: stop the other program or choose another with --port N.`));
      } else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  auth = new BrowserAuth(options.token, allowedOrigins(options.host, port), port);
  transport = attachBrowserTransport(server, options.api, auth.authorize);
  store.add(transport);
  store.add(toDisposable(() => server.closeAllConnections()));

  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/?token=${encodeURIComponent(options.token)}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        store.dispose();
        server.close(() => resolve());
      }),
  };
}
