// What can go wrong reaching a host, as errors the console can show as they are: each message says
// what happened, to which host and where, and what the user can do. Messages never hold secrets
// (no passwords, no passphrases, no private key material; public fingerprints and paths are fine).
import type { KnownKeyRef } from './knownHosts';

/** Where a connection went: the fleet's name for the host and the address:port dialled. */
export interface HostRef {
  name: string;
  address: string;
  port: number;
}

export function describeHost(host: HostRef): string {
  const address = host.address.includes(':') ? `[${host.address}]` : host.address;
  return `${host.name} (${address}:${host.port})`;
}

export type SshErrorKind = 'host-key' | 'auth' | 'unreachable' | 'jump' | 'closed';

export abstract class SshError extends Error {
  abstract readonly kind: SshErrorKind;
  /**
   * When the pool will try this host again on its own: ms since epoch, or null for never (host-key
   * and auth failures wait for the user to change something). Set by the pool.
   */
  retryAt: number | null = null;

  constructor(readonly host: HostRef, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

function where(refs: readonly KnownKeyRef[]): string {
  return refs.map((r) => `${r.fingerprint} in ${r.file} line ${r.line}`).join(', ');
}

/** The host offered a key no known_hosts file lists: show the fingerprint, let the user accept it. */
export class HostKeyUnknownError extends SshError {
  readonly kind = 'host-key';
  constructor(host: HostRef, readonly keyType: string, readonly fingerprint: string, readonly key: Buffer, readonly otherKeys: readonly KnownKeyRef[] = []) {
    super(
      host,
      `The host key of ${describeHost(host)} is not known: ${keyType} ${fingerprint}` +
        (otherKeys.length > 0 ? ` (keys of other types are known: ${where(otherKeys)})` : '') +
        '. Compare it with the fingerprint the host shows (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host) and accept it only if they match.',
    );
  }
}

export class HostKeyChangedError extends SshError {
  readonly kind = 'host-key';
  constructor(host: HostRef, readonly fingerprint: string, readonly known: readonly KnownKeyRef[]) {
    super(
      host,
      `The host key of ${describeHost(host)} has CHANGED: now ${fingerprint}, known ${where(known)}. ` +
        'Someone may be intercepting the connection, or the host was reinstalled. Fleetdeck refuses to connect until the old key is removed: ' +
        `confirm the new fingerprint with whoever runs the host, then delete ${known.map((r) => `line ${r.line} of ${r.file}`).join(' and ')}, ` +
        'and connect again to be shown the new key to accept.',
    );
  }
}

export class HostKeyRevokedError extends SshError {
  readonly kind = 'host-key';
  constructor(host: HostRef, readonly fingerprint: string, readonly revokedAt: readonly KnownKeyRef[]) {
    super(
      host,
      `The host key of ${describeHost(host)} is REVOKED: ${fingerprint} is marked @revoked (${revokedAt.map((r) => `${r.file} line ${r.line}`).join(', ')}). ` +
        'Fleetdeck refuses to connect; the host needs a new key.',
    );
  }
}

/**
 * Why a login failed: 'refused' (every key and method was refused), 'password' (the password the
 * user typed was refused, by the last method in `tried`), 'cancelled' (the user gave none).
 */
export type AuthFailure = 'refused' | 'password' | 'cancelled';

export class AuthError extends SshError {
  readonly kind = 'auth';
  /** What was offered, e.g. ["agent", "publickey /home/me/.ssh/id_ed25519", "password"]. */
  constructor(host: HostRef, readonly user: string, readonly tried: readonly string[], readonly failure: AuthFailure = 'refused') {
    super(host, `Could not log in to ${describeHost(host)} as ${user}: ${authDetail(user, tried, failure)}`);
  }
}

function authDetail(user: string, tried: readonly string[], failure: AuthFailure): string {
  const keys = tried.filter((t) => t !== 'password' && t !== 'keyboard-interactive');
  const last = tried[tried.length - 1];
  if (failure === 'password' && last) {
    const before = tried.slice(0, -1);
    return (
      `the server refused the password (${last})${before.length > 0 ? `, after ${before.join(', ')}` : ''}. ` +
      'Check the password and the user name ("user" in the fleet file); Fleetdeck will not ask again until you retry the host.'
    );
  }
  if (failure === 'cancelled') {
    return `no password was given (the question was cancelled or went unanswered)${keys.length > 0 ? `, and the server refused ${keys.join(', ')}` : ''}. Fleetdeck will not ask again until you retry the host.`;
  }
  return (
    `the server refused ${tried.length > 0 ? tried.join(', ') : 'every method Fleetdeck had'}. ` +
    `Check that the key is in ~${user}/.ssh/authorized_keys on the host, or set "identity" (or "user") for it in the fleet file. Fleetdeck will not retry until you do.`
  );
}

/**
 * A refused login, at the host or at a jump host on the way: it does not fix itself (and trying
 * again on its own could lock the account), so the pool waits until the user retries the host.
 */
export function isLoginRefusal(error: unknown): boolean {
  if (error instanceof JumpHostError) return isLoginRefusal(error.hopError);
  return error instanceof SshError && error.kind === 'auth';
}

export type UnreachableReason = 'refused' | 'timeout' | 'dns' | 'network' | 'closed';

const REASON_TEXT: Record<UnreachableReason, string> = {
  refused: 'connection refused (nothing listens there: is sshd running, is the port right?)',
  timeout: 'no answer in time (host down, firewall, or wrong address?)',
  dns: 'the name does not resolve (check the address in the fleet file)',
  network: 'the network is unreachable from here',
  closed: 'the server closed the connection before logging in (MaxStartups, or sshd refused us?)',
};

export class UnreachableError extends SshError {
  readonly kind = 'unreachable';
  constructor(host: HostRef, readonly reason: UnreachableReason, detail?: string, options?: { cause?: unknown }) {
    super(host, `Cannot reach ${describeHost(host)}: ${REASON_TEXT[reason]}${detail ? ` [${detail}]` : ''}.`, options);
  }
}

/**
 * A jump host is up and logged in, but its sshd could not connect onwards (the host behind it is
 * down, or the network between them is cut): the host is unreachable *through* that jump host.
 */
export class UnreachableThroughError extends UnreachableError {
  constructor(host: HostRef, readonly through: HostRef, reason: UnreachableReason, description: string, options?: { cause?: unknown }) {
    super(host, reason, description, options);
    this.message = `Cannot reach ${describeHost(host)} through ${through.name}: ${through.name} could not connect to it (${description.charAt(0).toLowerCase()}${description.slice(1)}).`;
  }
}

/** A jump host's refusal to open a channel onwards (ssh2's "(SSH) Channel open failure: …"), as the host's unreachability. */
export function unreachableThrough(host: HostRef, through: HostRef, err: Error): UnreachableThroughError {
  const description = err.message.replace(/^\(SSH\) Channel open failure: /, '') || 'the channel was refused';
  const reason: UnreachableReason = /refused/i.test(description) ? 'refused' : /timed out/i.test(description) ? 'timeout' : /no route|unreachable/i.test(description) ? 'network' : 'closed';
  return new UnreachableThroughError(host, through, reason, description, { cause: err });
}

/** Which hop of a jump chain failed; `hopError` is that hop's own error (e.g. its unknown host key). */
export class JumpHostError extends SshError {
  readonly kind = 'jump';
  constructor(host: HostRef, readonly hop: HostRef, readonly hopIndex: number, readonly hops: number, readonly hopError: Error) {
    super(host, `Cannot connect to ${describeHost(host)} through jump host ${describeHost(hop)} (hop ${hopIndex + 1} of ${hops}): ${hopError.message}`, { cause: hopError });
  }
}

/** The connection dropped (or the pool was disposed) while something was using it. */
export class ConnectionClosedError extends SshError {
  readonly kind = 'closed';
  constructor(host: HostRef, detail: string) {
    super(host, `The connection to ${describeHost(host)} closed: ${detail}.`);
  }
}

/** Maps a socket error (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, …) to what the user should check. */
export function unreachableFrom(host: HostRef, err: Error & { code?: string; level?: string }): UnreachableError {
  const code = err.code ?? '';
  const reason: UnreachableReason =
    code === 'ECONNREFUSED' ? 'refused'
    : code === 'ETIMEDOUT' || /timed out/i.test(err.message) ? 'timeout'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'dns'
    : code === 'ENETUNREACH' || code === 'EHOSTUNREACH' ? 'network'
    : 'closed';
  return new UnreachableError(host, reason, code || err.message, { cause: err });
}
