import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import ssh2, { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Disposable } from '../../shared/disposable';
import type { Host } from '../../shared/fleet/model';
import {
  AuthError,
  ConnectionClosedError,
  describeHost,
  type AuthFailure,
  HostKeyChangedError,
  HostKeyRevokedError,
  HostKeyUnknownError,
  isLoginRefusal,
  JumpHostError,
  SshError,
  unreachableFrom,
  type HostRef,
} from './errors';
import type { HostKeyStore, HostKeyTarget } from './hostKeys';
import type { SecretFor, SecretKeeping, SecretStore } from './secrets';

// One SSH connection per fleet host, shared by shells, commands, the poller and deploys: opened
// on the first use, closed when nothing has used it for a while, checked against the known host
// keys on every handshake, through jump hosts when the fleet file says so. A host whose login
// failed is not retried until something changes; an unreachable one is retried with backoff; a
// wrong host key is refused every time, until known_hosts says otherwise.

/**
 * What the pool may ask the user. `remember` says whether (and how) the answer can be remembered:
 * null when there is no SecretStore, and for keyboard-interactive prompts (often one-time codes).
 */
export type PoolQuestion =
  | { kind: 'host-key'; host: string; address: string; port: number; keyType: string; fingerprint: string }
  | { kind: 'passphrase'; host: string; file: string; remember: SecretKeeping | null }
  | { kind: 'password'; host: string; user: string; remember: SecretKeeping | null };
/** 'accept' for a host key, else the secret; `remember` only counts where the question offered it. */
export interface PoolAnswer {
  value: string;
  remember?: boolean;
}
/** null means "no" (or no one to ask). */
export type Ask = (question: PoolQuestion) => Promise<PoolAnswer | null>;

export interface PoolOptions {
  lookup: (name: string) => Host | undefined;
  hostKeys: HostKeyStore;
  ask?: Ask;
  /** Where secrets the user asked to remember are kept (none: nothing is remembered). */
  secrets?: SecretStore | null;
  /** Close a connection this long after its last channel closed (default 60 s). */
  idleMs?: number;
  readyTimeoutMs?: number;
  /** A keepalive after this long without traffic; three unanswered close the connection (default 15 s). */
  keepaliveMs?: number;
  agent?: string | null;
}

export interface ExecOptions {
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  stdin?: string | Buffer;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
}

interface Connection {
  client: Client;
  hops: Client[];
  ready: Promise<Client>;
  channels: number;
  idleTimer: NodeJS.Timeout | null;
  config: string;
  /** Why it failed once it was up (ssh2 reports the error just before it closes it and its channels). */
  lost: SshError | null;
}

interface Failure {
  error: SshError;
  /** null: not until something changes (host keys, the fleet file); else a time. */
  retryAt: number | null;
  failures: number;
  keyGeneration: number;
  config: string;
}

const KEEPALIVE_MS = 15_000;
/** Keepalives unanswered in a row before the connection counts as dead. */
const KEEPALIVE_COUNT = 3;

/** What the user is told when a working connection fails under a shell or a command. */
function connectionLost(host: HostRef, err: Error & { level?: string }, keepaliveMs: number): ConnectionClosedError {
  const detail =
    err.level === 'client-timeout'
      ? `${host.name} stopped answering (${KEEPALIVE_COUNT} keepalives over ${Math.round((KEEPALIVE_COUNT * keepaliveMs) / 1000)} s went unanswered: the host hangs, or the network drops packets)`
      : err.message;
  return new ConnectionClosedError(host, detail);
}

export type HostConnectionState = 'connecting' | 'connected' | 'idle-closed' | 'failed';

export class SshPool implements Disposable {
  private readonly connections = new Map<string, Connection>();
  private readonly failures = new Map<string, Failure>();
  private readonly listeners = new Set<(host: string, state: HostConnectionState, error?: SshError) => void>();
  private disposed = false;

  constructor(private readonly options: PoolOptions) {}

  onState(listener: (host: string, state: HostConnectionState, error?: SshError) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Runs a command; resolves with its exit code once it ends (a non-zero code is not an error). */
  async exec(hostName: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.withChannel(hostName, async (client, host, lost) => {
      const channel = await new Promise<ClientChannel>((resolve, reject) => client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
      return new Promise<ExecResult>((resolve, reject) => {
        let code: number | null = null;
        let signal: string | null = null;
        const stop = (why: string): void => {
          channel.signal('KILL');
          channel.close();
          reject(new ConnectionClosedError(host, why));
        };
        const timer = options.timeoutMs ? setTimeout(() => stop(`the command did not finish within ${options.timeoutMs} ms`), options.timeoutMs) : null;
        const onAbort = (): void => stop('stopped');
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
        channel.stderr.on('data', (chunk: Buffer) => options.onStderr?.(chunk));
        let exited = false;
        let closed = false;
        const finish = (): void => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          // Without an exit status because the connection failed: say why, not "no exit code".
          const why = exited ? null : lost();
          if (why) reject(why);
          else resolve({ code, signal });
        };
        channel.on('exit', (c: number | null, s?: string) => {
          code = c ?? null;
          signal = s ?? null;
          exited = true;
          if (closed) finish();
        });
        // ssh2 can report 'close' before 'exit' (seen through jump hosts): give the exit status a
        // moment to arrive rather than report a command without one.
        channel.on('close', (c?: number | null, s?: string) => {
          closed = true;
          // ssh2 passes the exit status to 'close' too, when it has one.
          if (!exited && (typeof c === 'number' || typeof s === 'string')) {
            code = typeof c === 'number' ? c : null;
            signal = s ?? null;
            exited = true;
          }
          if (exited) finish();
          else setTimeout(finish, 1000);
        });
        if (options.stdin !== undefined) channel.end(options.stdin);
        else channel.end();
      });
    });
  }

  /**
   * A login shell on a PTY; the pool keeps the connection while the channel is open. `onLost`
   * hears why, if the connection under it fails (just before the channel's 'close').
   */
  async shell(hostName: string, pty: { cols: number; rows: number; term?: string }, onLost?: (error: SshError) => void): Promise<ClientChannel> {
    const { client, done, lost } = await this.lease(hostName);
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell({ term: pty.term ?? 'xterm-256color', cols: pty.cols, rows: pty.rows }, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      // Registered first, so it runs before the caller's own 'close' listeners.
      channel.once('close', () => {
        const why = lost();
        if (why) onLost?.(why);
        done();
      });
      return channel;
    } catch (error) {
      done();
      throw error;
    }
  }

  async sftp(hostName: string): Promise<{ sftp: SFTPWrapper; release: () => void }> {
    const { client, done } = await this.lease(hostName);
    try {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
      return { sftp, release: () => (sftp.end(), done()) };
    } catch (error) {
      done();
      throw error;
    }
  }

  /**
   * Forget a remembered failure so the next use connects again: the user fixed something, or asks
   * to be asked for the password again (the terminal's "Try again", a re-run on failed hosts).
   */
  retry(hostName: string): void {
    this.failures.delete(hostName);
  }

  private async withChannel<T>(hostName: string, use: (client: Client, host: HostRef, lost: () => SshError | null) => Promise<T>, retried = false): Promise<T> {
    const { client, host, done, lost } = await this.lease(hostName);
    let opened = false;
    try {
      return await use(client, host, lost).then((value) => ((opened = true), value));
    } catch (error) {
      // A pooled connection that died since its last use (sshd restarted, keepalive not yet
      // noticed) fails to open a channel: drop it and try once on a fresh connection, so the
      // user sees why the host cannot be reached rather than ssh2's "No response from server".
      if (!retried && !opened && !(error instanceof SshError)) {
        const stale = this.connections.get(hostName);
        if (stale?.client === client) this.close(hostName, stale, 'idle-closed');
        done();
        return this.withChannel(hostName, use, true);
      }
      throw error;
    } finally {
      done();
    }
  }

  /** A ready client for the host, counted as in use until done() is called. */
  private async lease(hostName: string): Promise<{ client: Client; host: HostRef; done: () => void; lost: () => SshError | null }> {
    if (this.disposed) throw new Error('The SSH pool is closed.');
    const host = this.options.lookup(hostName);
    if (!host) throw new Error(`${hostName} is not in the fleet file.`);
    const ref: HostRef = { name: host.name, address: host.address, port: host.port };
    const config = JSON.stringify([host.address, host.port, host.user, host.identity, host.jump, host.knownHosts]);

    const failure = this.failures.get(hostName);
    if (failure) {
      const changed = failure.config !== config || failure.keyGeneration !== this.options.hostKeys.generation;
      const due = failure.retryAt !== null && Date.now() >= failure.retryAt;
      if (!changed && !due) throw failure.error;
    }

    let connection = this.connections.get(hostName);
    if (connection && connection.config !== config) {
      this.close(hostName, connection);
      connection = undefined;
    }
    if (!connection) connection = this.open(host, ref, config);
    connection.channels++;
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    connection.idleTimer = null;
    let client: Client;
    try {
      client = await connection.ready;
    } catch (error) {
      connection.channels--;
      throw error;
    }
    let released = false;
    const conn = connection;
    return {
      client,
      host: ref,
      lost: () => conn.lost,
      done: () => {
        if (released) return;
        released = true;
        conn.channels--;
        if (conn.channels === 0 && this.connections.get(hostName) === conn) {
          conn.idleTimer = setTimeout(() => this.close(hostName, conn, 'idle-closed'), this.options.idleMs ?? 60_000);
          conn.idleTimer.unref();
        }
      },
    };
  }

  private open(host: Host, ref: HostRef, config: string): Connection {
    const client = new Client();
    const hops: Client[] = [];
    const connection: Connection = { client, hops, channels: 0, idleTimer: null, config, ready: Promise.resolve(client), lost: null };
    this.connections.set(host.name, connection);
    this.emit(host.name, 'connecting');
    connection.ready = this.connectThroughJumps(host, ref, client, hops).then(
      () => {
        this.failures.delete(host.name);
        this.emit(host.name, 'connected');
        client.on('error', (err: Error & { level?: string }) => (connection.lost ??= connectionLost(ref, err, this.options.keepaliveMs ?? KEEPALIVE_MS)));
        client.on('close', () => {
          if (this.connections.get(host.name) === connection) this.connections.delete(host.name);
          for (const hop of hops) hop.end();
        });
        return client;
      },
      (error: SshError) => {
        if (this.connections.get(host.name) === connection) this.connections.delete(host.name);
        client.end();
        for (const hop of hops) hop.end();
        this.remember(host.name, error, config);
        this.emit(host.name, 'failed', error);
        throw error;
      },
    );
    return connection;
  }

  private remember(name: string, error: SshError, config: string): void {
    // A host key is checked afresh on every attempt (known_hosts may have been fixed by hand), and
    // every attempt with a wrong key fails at the handshake, before any login: nothing to hold back.
    if (error.kind === 'host-key' || (error instanceof JumpHostError && error.hopError instanceof SshError && error.hopError.kind === 'host-key')) {
      error.retryAt = null;
      return;
    }
    const before = this.failures.get(name);
    const failures = (before?.failures ?? 0) + 1;
    // A refused login waits for the user (retry()); a dead host may come back.
    const retryAt = isLoginRefusal(error) ? null : Date.now() + Math.min(60_000, 1000 * 2 ** (failures - 1));
    error.retryAt = retryAt;
    this.failures.set(name, { error, retryAt, failures, keyGeneration: this.options.hostKeys.generation, config });
  }

  /** Connects hop by hop: each jump host's connection carries the next one's TCP stream. */
  private async connectThroughJumps(host: Host, ref: HostRef, client: Client, hops: Client[]): Promise<void> {
    const chain = host.jump ? parseJumpChain(host.jump, host.user) : [];
    let sock: NodeJS.ReadableStream | undefined;
    for (const [i, hop] of chain.entries()) {
      const hopRef: HostRef = { name: hop.host, address: hop.host, port: hop.port };
      const hopClient = new Client();
      hops.push(hopClient);
      try {
        await this.handshake(hopClient, { name: hop.host, address: hop.host, port: hop.port, knownHosts: host.knownHosts }, hopRef, hop.user, host.identity, sock);
        const next = chain[i + 1] ?? { host: host.address, port: host.port };
        sock = await new Promise((resolve, reject) => hopClient.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => (err ? reject(unreachableFrom(hopRef, err)) : resolve(stream))));
      } catch (error) {
        throw new JumpHostError(ref, hopRef, i, chain.length, error as Error);
      }
    }
    await this.handshake(client, host, ref, host.user, host.identity, sock);
  }

  private async handshake(client: Client, target: HostKeyTarget, ref: HostRef, user: string, identity: string | null, sock?: NodeJS.ReadableStream): Promise<void> {
    const hostKeys = this.options.hostKeys;
    let keyError: SshError | null = null;
    const privateKey = identity ? readIdentity(identity) : undefined;
    const secrets = this.options.secrets ?? null;
    const ask = this.options.ask;
    const passphrase = privateKey && identity ? await this.passphraseFor(ref, identity, privateKey) : undefined;
    const agent = this.options.agent === undefined ? process.env.SSH_AUTH_SOCK : this.options.agent ?? undefined;
    // What was offered, for the error message; never the secrets themselves.
    const tried: string[] = [];
    let keysTried = 0;
    let askedNone = false;
    let failure: AuthFailure = 'refused';
    const passwordTarget: SecretFor = { kind: 'password', user, address: ref.address, port: ref.port };
    /** A password typed with "Remember" ticked: stored once the server took it. */
    let rememberPassword: string | null = null;

    const askPassword = async (): Promise<unknown> => {
      if (!ask) return false;
      tried.push('password');
      const answer = await ask({ kind: 'password', host: ref.name, user, remember: secrets?.keeping ?? null }).catch(() => null);
      if (answer === null) {
        failure = 'cancelled';
        return false;
      }
      rememberPassword = answer.remember && secrets ? answer.value : null;
      return { type: 'password', username: user, password: answer.value };
    };

    /** The next method to offer, after the server refused the last one (false: give up). */
    const nextMethod = async (methodsLeft: string[] | null, partial: boolean | null): Promise<unknown> => {
      const order: Array<() => unknown> = [];
      if (agent) order.push(() => ({ type: 'agent', username: user, agent }));
      if (privateKey) order.push(() => ({ type: 'publickey', username: user, key: privateKey, passphrase }));
      const step = order[keysTried];
      if (step) {
        tried.push(keysTried === 0 && agent ? 'agent' : `publickey ${identity}`);
        keysTried++;
        return step();
      }
      if (!ask && !secrets) return false;
      const last = tried[tried.length - 1];
      if (last === 'password (remembered)' && !partial) {
        // The remembered password no longer works (changed on the host): forget it, ask the user.
        await secrets?.delete(passwordTarget).catch(() => undefined);
        return methodsLeft?.includes('password') ? askPassword() : false;
      }
      // A password the server refused is not asked for again by the other method in the same
      // attempt (PAM checks the same password for both): one wrong answer, one question. Only a
      // partial success (a server that wants password *and* keyboard-interactive) goes on.
      if ((last === 'password' || last === 'keyboard-interactive') && !partial) {
        failure = 'password';
        return false;
      }
      // Learn which methods the server takes before asking a person for anything: without it
      // the first question would be for a password even where only keyboard-interactive (or
      // nothing we can ask for) is offered. ssh(1) starts with "none" too.
      if (!methodsLeft) {
        if (askedNone) return false;
        askedNone = true;
        return { type: 'none', username: user };
      }
      if (methodsLeft.includes('password') && !tried.includes('password') && !tried.includes('password (remembered)')) {
        const remembered = secrets ? await secrets.get(passwordTarget).catch(() => null) : null;
        if (remembered !== null) {
          tried.push('password (remembered)');
          return { type: 'password', username: user, password: remembered };
        }
        return askPassword();
      }
      // keyboard-interactive (PAM, one-time codes): each prompt the server sends is asked in turn.
      if (ask && methodsLeft.includes('keyboard-interactive') && !tried.includes('keyboard-interactive')) {
        tried.push('keyboard-interactive');
        return {
          type: 'keyboard-interactive',
          username: user,
          prompt: (_name: string, _instructions: string, _lang: string, prompts: Array<{ prompt: string }>, finish: (answers: string[]) => void) => {
            void (async () => {
              const answers: string[] = [];
              for (const p of prompts) {
                const answer = await ask({ kind: 'password', host: ref.name, user: `${user} (${p.prompt.trim()})`, remember: null }).catch(() => null);
                if (answer === null) {
                  // Sending '' would count as a failed login on the host (and towards a
                  // lockout): hang up instead.
                  failure = 'cancelled';
                  client.end();
                  return;
                }
                answers.push(answer.value);
              }
              finish(answers);
            })();
          },
        };
      }
      return false;
    };
    const known = hostKeys.knownKeyTypes(target);
    const config: ConnectConfig = {
      host: ref.address,
      port: ref.port,
      username: user,
      sock: sock as ConnectConfig['sock'],
      readyTimeout: this.options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: this.options.keepaliveMs ?? KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      // Ask for a key type we can check, as ssh(1) does.
      ...(known.length > 0 ? { algorithms: { serverHostKey: preferTypes(known) } } : {}),
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        const verdict = hostKeys.verify(target, key);
        if (verdict.verdict === 'known') return verify(true);
        if (verdict.verdict === 'changed') keyError = new HostKeyChangedError(ref, verdict.fingerprint, verdict.known);
        else if (verdict.verdict === 'revoked') keyError = new HostKeyRevokedError(ref, verdict.fingerprint, verdict.known);
        else {
          const unknown = new HostKeyUnknownError(ref, verdict.keyType, verdict.fingerprint, key, verdict.known);
          if (!this.options.ask) {
            keyError = unknown;
            return verify(false);
          }
          void this.options.ask({ kind: 'host-key', host: ref.name, address: ref.address, port: ref.port, keyType: verdict.keyType, fingerprint: verdict.fingerprint }).then(
            (answer) => {
              if (answer?.value === 'accept') {
                hostKeys.accept(target, key);
                verify(true);
              } else {
                keyError = unknown;
                verify(false);
              }
            },
            () => {
              keyError = unknown;
              verify(false);
            },
          );
          return;
        }
        verify(false);
      },
      authHandler: (methodsLeft, partial, next) => {
        void nextMethod(methodsLeft, partial).then(
          (method) => next(method as never),
          () => next(false as never),
        );
      },
    };
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error & { level?: string; code?: string }): void => {
        cleanup();
        if (keyError) reject(keyError);
        else if (err.level === 'client-authentication') reject(new AuthError(ref, user, tried, failure));
        else reject(unreachableFrom(ref, err));
      };
      const onReady = (): void => {
        cleanup();
        // Keystrokes are tiny packets: without this, Nagle's algorithm holds each one back up to
        // the peer's delayed ACK (tens of milliseconds per echo).
        client.setNoDelay(true);
        if (rememberPassword !== null && secrets) {
          // Only a password the server took is remembered. The message names the login, never the secret.
          secrets.set(passwordTarget, rememberPassword).catch(() => console.warn(`Fleetdeck: could not remember the password for ${user}@${describeHost(ref)}.`));
          rememberPassword = null;
        }
        resolve();
      };
      const onClose = (): void => {
        cleanup();
        if (keyError) reject(keyError);
        else if (failure === 'cancelled') reject(new AuthError(ref, user, tried, failure));
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

  /**
   * The passphrase of an encrypted identity file: the remembered one if it still decrypts the key
   * (else it is forgotten), or the user's answer. undefined when the key is not encrypted, or no
   * one gave a passphrase (the key is then skipped and the next method tried).
   */
  private async passphraseFor(ref: HostRef, identity: string, privateKey: Buffer): Promise<string | undefined> {
    if (!isEncryptedKey(privateKey)) return undefined;
    const secrets = this.options.secrets ?? null;
    const target: SecretFor = { kind: 'passphrase', file: expandHome(identity) };
    const remembered = secrets ? await secrets.get(target).catch(() => null) : null;
    if (remembered !== null) {
      if (decrypts(privateKey, remembered)) return remembered;
      await secrets?.delete(target).catch(() => undefined);
    }
    const answer = this.options.ask ? await this.options.ask({ kind: 'passphrase', host: ref.name, file: identity, remember: secrets?.keeping ?? null }).catch(() => null) : null;
    if (answer === null) return undefined;
    // Remembered only once it is known to be right: it decrypts the key.
    if (answer.remember && secrets && decrypts(privateKey, answer.value)) {
      await secrets.set(target, answer.value).catch(() => console.warn(`Fleetdeck: could not remember the passphrase of ${target.file}.`));
    }
    return answer.value;
  }

  private close(name: string, connection: Connection, state: HostConnectionState = 'idle-closed'): void {
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    if (this.connections.get(name) === connection) this.connections.delete(name);
    connection.client.end();
    for (const hop of connection.hops) hop.end();
    this.emit(name, state);
  }

  private emit(host: string, state: HostConnectionState, error?: SshError): void {
    for (const listener of this.listeners) listener(host, state, error);
  }

  /** Hosts with an open connection now. */
  get openHosts(): string[] {
    return [...this.connections.keys()];
  }

  dispose(): void {
    this.disposed = true;
    for (const [name, connection] of this.connections) this.close(name, connection);
    this.listeners.clear();
  }
}

/** "user@host:port,host2" → hops, each defaulting to the target's user and port 22. */
export function parseJumpChain(jump: string, defaultUser: string): Array<{ user: string; host: string; port: number }> {
  return jump
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
    .map((hop) => {
      const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
      if (!m) throw new Error(`"${hop}" is not a jump host (user@host:port)`);
      return { user: m[1] ?? defaultUser, host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
    });
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}

/**
 * Whether the key needs a passphrase. ssh2 says so when parsing it without one; the PEM header
 * alone misses the OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`) that ssh-keygen writes
 * by default, whose cipher name is inside the base64.
 */
function isEncryptedKey(privateKey: Buffer): boolean {
  const parsed = ssh2.utils.parseKey(privateKey);
  return parsed instanceof Error && /passphrase/i.test(parsed.message);
}

function decrypts(privateKey: Buffer, passphrase: string): boolean {
  return !(ssh2.utils.parseKey(privateKey, passphrase) instanceof Error);
}

function readIdentity(path: string): Buffer {
  const file = expandHome(path);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`Cannot read the identity file ${file}: ${(error as Error).message}. Fix "identity" in the fleet file.`);
  }
}

/** ssh2's host key algorithm names for the key types known_hosts lists, those first. */
function preferTypes(types: string[]): ConnectConfig['algorithms'] extends infer A ? (A extends { serverHostKey?: infer S } ? S : never) : never {
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const wanted = types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  return [...wanted.filter((t) => all.includes(t)), ...all.filter((t) => !wanted.includes(t))] as never;
}
