import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Authorization } from './browserTransport';
import type { RequestTarget } from './requestTarget';
import { FailureThrottle } from './failureThrottle';

// Who may use the core through browser mode: a page of this server's own origin that has the token.
// The token travels only in the URLs of the down stream and the WebSocket (`?token=`), which go to
// this server's port alone. It is never put in a cookie: cookies are per host, not per port, so
// every other web server on 127.0.0.1 would receive it. The page keeps it in sessionStorage
// (per origin, so per port) — renderer/client.ts.

/** 24 random bytes: 32 base64url characters, 192 bits. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** What a token must be, said once for the error and the docs. */
export const TOKEN_RULE =
  'a token needs at least 128 bits: 22 or more characters of A-Z a-z 0-9 - _ (32 or more if it is hex), from a random source ' +
  '(for example `openssl rand -hex 32`); leave the token out and Fleetdeck makes one';

/** Why `token` is too weak to guard the console, or null when it will do. */
export function tokenProblem(token: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) return `the token has characters other than A-Z a-z 0-9 - _: ${TOKEN_RULE}.`;
  // A hex string carries 4 bits a character, base64url 6: 32 and 22 characters make 128 bits.
  const needed = /^[0-9a-fA-F]*$/.test(token) ? 32 : 22;
  if (token.length < needed) return `the token is ${token.length} characters long: ${TOKEN_RULE}.`;
  if (new Set(token).size < 8) return `the token repeats a few characters: ${TOKEN_RULE}.`;
  return null;
}

export class BrowserAuth {
  private readonly expected: Buffer;
  private readonly throttle: FailureThrottle;

  constructor(token: string, log: (line: string) => void) {
    const problem = tokenProblem(token);
    if (problem) throw new Error(problem);
    this.expected = Buffer.from(token);
    this.throttle = new FailureThrottle(log);
  }

  /** The transport (down stream and WebSocket) needs the token and, when a browser says, an Origin of this server. */
  authorize = (req: IncomingMessage, target: RequestTarget): Authorization => {
    const token = target.query.get('token');
    if (token === null || !this.matches(token)) {
      const reason = token === null ? 'this console needs its token: open the URL it printed when it started (…/?token=…)' : 'wrong token';
      const verdict = this.throttle.failed(req.socket.remoteAddress ?? 'an unknown address');
      if (verdict.answer === 'drop') return { ok: false, status: 401, reason, drop: true };
      if (verdict.answer === 'after') return { ok: false, status: 401, reason: `${reason} (answered after ${verdict.delayMs} ms: too many wrong tokens from this address)`, delayMs: verdict.delayMs };
      return { ok: false, status: 401, reason };
    }
    // The Host was checked before (server.ts): a page of this server has exactly that origin.
    const origin = req.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${req.headers.host?.toLowerCase()}`) {
      return { ok: false, status: 403, reason: `origin ${origin} is not this console's` };
    }
    return { ok: true };
  };

  private matches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}
