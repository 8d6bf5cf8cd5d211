import { connect as netConnect, type Socket } from 'node:net';
import { Client, type AuthHandlerMiddleware, type ConnectConfig } from 'ssh2';
import type { Host } from '../../../shared/fleet/model';
import type { Ask } from './ask';
import { JumpHostError, unreachableFrom, UnreachableThroughError, unreachableThrough, type HostRef } from './errors';
import type { HostKeyStore, HostKeyTarget } from './hostKeys';
import { HostVerification } from './hostVerification';
import { passphraseFor, readIdentity } from './identity';
import { resolveJumpChain } from './jumpChain';
import { Login } from './login';
import type { SecretStore } from './secrets';

// Opening one SSH connection: hop by hop through the jump hosts, and for each hop and the host
// itself a handshake that checks the host key (hostVerification.ts) and logs in (login.ts).

export const KEEPALIVE_MS = 15_000;
/** How long a handshake may take (and opening a shell, on a pooled connection). */
export const DEFAULT_READY_TIMEOUT_MS = 20_000;
/** Keepalives unanswered in a row before the connection counts as dead. */
export const KEEPALIVE_COUNT = 3;

/** What every handshake of a pool shares. */
export interface HandshakeSettings {
  hostKeys: HostKeyStore;
  ask?: Ask;
  /** Where secrets the user asked to remember are kept (none: nothing is remembered). */
  secrets?: SecretStore | null;
  readyTimeoutMs?: number;
  /** A keepalive after this long without traffic; three unanswered close the connection (default 15 s). */
  keepaliveMs?: number;
  /** The agent's socket; undefined: $SSH_AUTH_SOCK; null: no agent. */
  agent?: string | null;
}

/**
 * Connects hop by hop: each jump host's connection carries the next one's TCP stream. Each hop
 * logs in as itself (jumpChain.ts: its own entry's user, port, identity and known hosts).
 */
export async function connectThroughJumps(
  settings: HandshakeSettings,
  host: Host,
  ref: HostRef,
  client: Client,
  hops: Client[],
  lookup: (name: string) => Host | undefined,
): Promise<void> {
  const chain = resolveJumpChain(host, lookup);
  let sock: NodeJS.ReadableStream | undefined;
  for (const [i, hop] of chain.entries()) {
    const hopRef: HostRef = { name: hop.name, address: hop.address, port: hop.port };
    const hopClient = new Client();
    hops.push(hopClient);
    try {
      const login: LoginTarget = { ref: hopRef, user: hop.user, identity: hop.identity, hopTo: host.name };
      await handshake(settings, hopClient, { name: hop.name, address: hop.address, port: hop.port, knownHosts: hop.knownHosts }, login, sock);
      const nextHop = chain[i + 1];
      const next: HostRef = nextHop ? { name: nextHop.name, address: nextHop.address, port: nextHop.port } : ref;
      // The hop is fine; it is what lies behind it that cannot be reached from there.
      sock = await new Promise((resolve, reject) => hopClient.forwardOut('127.0.0.1', 0, next.address, next.port, (err, stream) => (err ? reject(unreachableThrough(next, hopRef, err)) : resolve(stream))));
    } catch (error) {
      // The host itself is unreachable through its last hop: said as such, like a host that is down.
      if (error instanceof UnreachableThroughError && error.host === ref) throw error;
      throw new JumpHostError(ref, hopRef, i, chain.length, error as Error);
    }
  }
  await handshake(settings, client, host, { ref, user: host.user, identity: host.identity }, sock);
}

/**
 * The TCP connection to a host (or first hop), whose writes in one turn of the event loop leave in
 * one system call. ssh2 writes every packet on its own; polling through a bastion opens channels
 * and sends requests for the ten hosts of a scheduler tick at once, and one write each made the
 * kernel's send path the largest single cost of polling through it (docs/benchmarks.md).
 */
function coalescingSocket(ref: HostRef): Socket {
  const socket = netConnect({ host: ref.address, port: ref.port });
  socket.setMaxListeners(0); // as ssh2 does with the socket it makes itself
  const write = socket.write;
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (this.writableCorked === 0) {
      this.cork();
      process.nextTick(() => this.uncork());
    }
    return write.apply(this, args);
  } as Socket['write'];
  return socket;
}

/** Whom a handshake logs in as, and where; `hopTo` names the host a jump host leads to. */
export interface LoginTarget {
  ref: HostRef;
  user: string;
  identity: string | null;
  hopTo?: string;
}

/** One SSH handshake on `client` (over `sock`, the previous hop's channel, if any): host key, then login. */
export async function handshake(
  settings: HandshakeSettings,
  client: Client,
  target: HostKeyTarget,
  as: LoginTarget,
  sock?: NodeJS.ReadableStream,
): Promise<void> {
  const { ref, user, identity, hopTo } = as;
  const secrets = settings.secrets ?? null;
  const privateKey = identity ? readIdentity(identity) : undefined;
  const passphrase = privateKey && identity ? await passphraseFor(ref, identity, privateKey, secrets, settings.ask, hopTo) : undefined;
  const agent = settings.agent === undefined ? process.env.SSH_AUTH_SOCK : settings.agent ?? undefined;
  const login = new Login({ ref, user, identity, privateKey, passphrase, agent, ask: settings.ask, secrets, hopTo, hangUp: () => client.end() });
  const verification = new HostVerification(settings.hostKeys, target, ref, settings.ask);
  const config: ConnectConfig = {
    host: ref.address,
    port: ref.port,
    username: user,
    sock: (sock ?? coalescingSocket(ref)) as ConnectConfig['sock'],
    readyTimeout: settings.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    keepaliveInterval: settings.keepaliveMs ?? KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_COUNT,
    ...verification.algorithms(),
    hostVerifier: verification.verify,
    // ssh2 calls it with nulls at first and takes false for "no more methods"; its types say neither.
    authHandler: login.authHandler as unknown as AuthHandlerMiddleware,
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string; code?: string }): void => {
      cleanup();
      if (verification.error) reject(verification.error);
      else if (err.level === 'client-authentication') reject(login.error());
      else reject(unreachableFrom(ref, err));
    };
    const onReady = (): void => {
      cleanup();
      // Keystrokes are tiny packets: without this, Nagle's algorithm holds each one back up to
      // the peer's delayed ACK (tens of milliseconds per echo).
      client.setNoDelay(true);
      login.succeeded();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      if (verification.error) reject(verification.error);
      else if (login.cancelled) reject(login.error());
      else reject(unreachableFrom(ref, new Error('connection closed during the handshake')));
    };
    const cleanup = (): void => {
      client.off('error', onError).off('ready', onReady).off('close', onClose);
      // Later errors (a dropped connection) must not crash the process: 'close' handles them.
      client.on('error', () => undefined);
    };
    client.on('error', onError).on('ready', onReady).on('close', onClose);
    client.connect(config);
  });
}
