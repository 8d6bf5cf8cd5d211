import type { IncomingHttpHeaders } from 'node:http';
import type { Target } from './browserTransport';

// The one place where browser mode reads a request's target (`GET /path?query`) and its Host.
// Every path (pages, the down stream, the WebSocket upgrade) uses what this returns, so none of
// them parses req.url itself: `new URL('//', base)` and `decodeURIComponent('%E0%A4%A')` throw,
// and a throw there used to stop the process before the token was even looked at.

/** A request's target, decoded once: the path percent-decoded (`/assets/x.js`), and the query. */
export type RequestTarget = Target;

export type TargetVerdict = { ok: true; target: RequestTarget } | { ok: false; status: 400; reason: string };

/** Longer targets are refused: ours are short, and a long one is a probe. */
const MAX_TARGET_LENGTH = 8192;

/** Reads `req.url` as an origin-form target (RFC 9112 §3.2.1); anything else is a 400 with why. */
export function parseRequestTarget(raw: string | undefined): TargetVerdict {
  if (raw === undefined || raw.length === 0) return bad('no request target');
  if (raw.length > MAX_TARGET_LENGTH) return bad(`a request target longer than ${MAX_TARGET_LENGTH} characters`);
  // "//x" would be read by URL parsers as a host; "*", "http://…" are not for this server.
  if (!raw.startsWith('/') || raw.startsWith('//')) return bad('a request target that is not a path starting with a single /');
  const hash = raw.indexOf('#');
  const withoutFragment = hash === -1 ? raw : raw.slice(0, hash);
  const question = withoutFragment.indexOf('?');
  const rawPath = question === -1 ? withoutFragment : withoutFragment.slice(0, question);
  const rawQuery = question === -1 ? '' : withoutFragment.slice(question + 1);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return bad('a path with malformed percent-encoding');
  }
  if (path.includes('\0')) return bad('a path with a NUL character');
  // URLSearchParams never throws: a malformed escape in the query stays as it was written.
  return { ok: true, target: { path, query: new URLSearchParams(rawQuery) } };
}

/**
 * The Host values this server answers to: the address it is bound to, and for a loopback bind
 * its usual names. A page fetched under any other name (DNS rebinding: evil.example resolving to
 * 127.0.0.1) is refused before anything else.
 */
export function allowedHosts(boundHost: string, port: number): ReadonlySet<string> {
  const names = new Set([bracketed(boundHost)]);
  if (isLoopback(boundHost)) ['127.0.0.1', 'localhost', '[::1]'].forEach((h) => names.add(h));
  return new Set([...names].map((h) => `${h}:${port}`));
}

/** Whether the request's Host header is one of `allowed` (a wildcard bind accepts IP literals). */
export function hostIsAllowed(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>, wildcardPort: number | null): boolean {
  const host = headers.host?.toLowerCase();
  if (host === undefined) return false;
  if (allowed.has(host)) return true;
  // Bound to 0.0.0.0 or ::, the server cannot know every name it is reached by; an IP literal
  // cannot be rebound by DNS, so those are accepted on its port.
  return wildcardPort !== null && isIpLiteralHost(host, wildcardPort);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

function isIpLiteralHost(host: string, port: number): boolean {
  const suffix = `:${port}`;
  if (!host.endsWith(suffix)) return false;
  const name = host.slice(0, -suffix.length);
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function bad(reason: string): TargetVerdict {
  return { ok: false, status: 400, reason };
}
