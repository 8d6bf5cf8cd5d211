import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Authorization } from '../transport/browserTransport';

// Who may use browser mode: whoever has the token (in the URL the console printed, or in the
// cookie set when that URL was opened), from a page of this server's own origin.

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export class BrowserAuth {
  readonly cookieName: string;
  private readonly expected: Buffer;

  constructor(
    token: string,
    private readonly origins: ReadonlySet<string>,
    port: number,
  ) {
    this.expected = Buffer.from(token);
    // Cookies are per host, not per port: two consoles on one machine must not share one.
    this.cookieName = `fleetdeck_token_${port}`;
  }

  /** The token the request carries, from the query string or the cookie, if it is the right one. */
  hasToken(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const candidates = [url.searchParams.get('token'), readCookie(req.headers.cookie, this.cookieName)];
    return candidates.some((c) => c !== null && this.matches(c));
  }

  /** True when the request put the token in its URL (then the page sets the cookie). */
  tokenInQuery(req: IncomingMessage): boolean {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    return token !== null && this.matches(token);
  }

  cookieHeader(): string {
    return `${this.cookieName}=${this.expected.toString()}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** The transport (WebSocket and down stream) needs the token and, when a browser says, an Origin of this server. */
  authorize = (req: IncomingMessage): Authorization => {
    if (!this.hasToken(req)) return { ok: false, status: 401, reason: 'missing or wrong token' };
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin)) {
      return { ok: false, status: 403, reason: `origin ${origin} is not this console's` };
    }
    return { ok: true };
  };

  private matches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}

/** The origins a page of this server can have: the bound address, plus loopback aliases. */
export function allowedOrigins(host: string, port: number): Set<string> {
  const hosts = new Set([host.includes(':') ? `[${host}]` : host]);
  if (isLoopback(host)) ['127.0.0.1', 'localhost', '[::1]'].forEach((h) => hosts.add(h));
  return new Set([...hosts].map((h) => `http://${h}:${port}`));
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
