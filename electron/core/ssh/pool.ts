import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import type { Disposable } from '../../../shared/disposable';
import type { Host } from '../../../shared/fleet/model';
import { connectThroughJumps, DEFAULT_READY_TIMEOUT_MS, KEEPALIVE_COUNT, KEEPALIVE_MS, type HandshakeSettings } from './connect';
import { ConnectionClosedError, isLoginRefusal, JumpHostError, NoAnswerError, SshError, type HostRef } from './errors';
import { resolveJumpChain, type JumpHop } from './jumpChain';

export type { Ask, PoolAnswer, PoolQuestion } from './ask';

// One SSH connection per fleet host, shared by shells, commands, the poller and deploys: opened
// on the first use, closed when nothing has used it for a while, checked against the known host
// keys on every handshake, through jump hosts when the fleet file says so. A host whose login
// failed is not retried until something changes; an unreachable one is retried with backoff; a
// wrong host key is refused every time, until known_hosts says otherwise.

/** What every handshake shares (host keys, whom to ask, where secrets are kept), and the pool's own. */
export interface PoolOptions extends HandshakeSettings {
  lookup: (name: string) => Host | undefined;
  /** Close a connection this long after its last channel closed (default 60 s). */
  idleMs?: number;
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

/** What the user is told when a working connection fails under a shell or a command; `through`
 * is the jump host it runs through, if any (a cut beyond the bastion looks the same as a hang). */
function connectionLost(host: HostRef, err: Error & { level?: string }, keepaliveMs: number, through: string | null): ConnectionClosedError {
  const unanswered = `${KEEPALIVE_COUNT} keepalives over ${Math.round((KEEPALIVE_COUNT * keepaliveMs) / 1000)} s went unanswered`;
  const detail =
    err.level !== 'client-timeout' ? err.message
    : through ? `${host.name} stopped answering (${unanswered} through ${through}: the host hangs, or a network on the way drops packets)`
    : `${host.name} stopped answering (${unanswered}: the host hangs, or the network drops packets)`;
  return new ConnectionClosedError(host, detail);
}

/** The jump host a host's connection runs through last (null: none, or a chain that cannot be read). */
function lastHop(host: Host, lookup: (name: string) => Host | undefined): string | null {
  try {
    return resolveJumpChain(host, lookup).at(-1)?.name ?? null;
  } catch {
    return null;
  }
}

/** When opening a channel stops being worth waiting for: a time, an abort. */
interface OpenBound {
  deadline: number | null;
  signal?: AbortSignal | undefined;
  /** The error for a deadline passed (true) or an abort (false). */
  giveUp(timedOut: boolean): Error;
}

/**
 * Opens a channel, unless the bound comes first: a connection whose network was cut takes the
 * request and answers nothing until its keepalives give up (up to a minute). A channel that
 * arrives after that is closed at once.
 */
function openWithin<T extends ClientChannel>(open: (callback: (err: Error | undefined, channel: T) => void) => void, bound: OpenBound): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      bound.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => (settle(), reject(bound.giveUp(false)));
    const timer = bound.deadline === null ? null : setTimeout(() => (settle(), reject(bound.giveUp(true))), Math.max(0, bound.deadline - Date.now()));
    if (bound.signal?.aborted) return onAbort();
    bound.signal?.addEventListener('abort', onAbort, { once: true });
    open((err, channel) => {
      if (settled) {
        // Opened after the caller stopped waiting: what it started must not run unattended.
        if (!err) (channel.signal('KILL'), channel.close());
        return;
      }
      settle();
      if (err) reject(err);
      else resolve(channel);
    });
  });
}

/** What a connection depends on: when any of it changes (the host's entry, a jump host's), a new one is opened. */
function connectionKey(host: Host, lookup: (name: string) => Host | undefined): string {
  let hops: JumpHop[] | string;
  try {
    hops = resolveJumpChain(host, lookup);
  } catch (error) {
    hops = (error as Error).message; // the connection attempt reports it
  }
  return JSON.stringify([host.address, host.port, host.user, host.identity, host.jump, host.knownHosts, hops]);
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

  /**
   * Runs a command; resolves with its exit code once it ends (a non-zero code is not an error).
   * `timeoutMs` counts from this call: waiting for the connection and for the channel to open is
   * part of it (through a bastion, a host whose link is down leaves the channel open unanswered
   * until the keepalives give up, a minute later).
   */
  async exec(hostName: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.withChannel(hostName, async (client, host, lost, through) => {
      // The timeout counts from the connection being ready (logging in has its own bounds, and may
      // wait for the user's password): a channel that never opens is a command that never ends.
      const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : null;
      const channel = await openWithin<ClientChannel>((callback) => client.exec(command, callback), {
        deadline,
        signal: options.signal,
        giveUp: (timedOut) => (timedOut ? new NoAnswerError(host, through, options.timeoutMs!, 'the command never started') : new ConnectionClosedError(host, 'stopped')),
      });
      return new Promise<ExecResult>((resolve, reject) => {
        let code: number | null = null;
        let signal: string | null = null;
        const stop = (why: string): void => {
          channel.signal('KILL');
          channel.close();
          reject(new ConnectionClosedError(host, why));
        };
        const timer = deadline ? setTimeout(() => stop(`the command did not finish within ${options.timeoutMs} ms`), Math.max(0, deadline - Date.now())) : null;
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
    const { client, host, done, lost, through } = await this.lease(hostName);
    try {
      // As long as a handshake may take: a connection cut off since its last use would otherwise
      // leave the terminal opening until its keepalives give up.
      const ms = this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
      const channel = await openWithin<ClientChannel>((callback) => client.shell({ term: pty.term ?? 'xterm-256color', cols: pty.cols, rows: pty.rows }, callback), {
        deadline: Date.now() + ms,
        giveUp: () => new NoAnswerError(host, through, ms, 'the shell did not open'),
      }).catch((error: unknown) => {
        // ssh2's "No response from server" when the connection died meanwhile: say why it died.
        throw error instanceof SshError ? error : (lost() ?? error);
      });
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
   * A direct-tcpip channel from the host to address:port (the host's sshd connects there, so
   * 127.0.0.1 is the host's own loopback), on the pooled connection: no handshake of its own. The
   * pool keeps the connection while the channel is open. A refused channel rejects with ssh2's
   * error, whose `reason` says why.
   */
  async forwardOut(hostName: string, address: string, port: number): Promise<ClientChannel> {
    const { client, done } = await this.lease(hostName);
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) => client.forwardOut('127.0.0.1', 0, address, port, (err, ch) => (err ? reject(err) : resolve(ch))));
      channel.once('close', done);
      return channel;
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

  private async withChannel<T>(
    hostName: string,
    use: (client: Client, host: HostRef, lost: () => SshError | null, through: string | null) => Promise<T>,
    retried = false,
  ): Promise<T> {
    const { client, host, done, lost, through } = await this.lease(hostName);
    let opened = false;
    try {
      return await use(client, host, lost, through).then((value) => ((opened = true), value));
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
  private async lease(hostName: string): Promise<{ client: Client; host: HostRef; through: string | null; done: () => void; lost: () => SshError | null }> {
    if (this.disposed) throw new Error('The SSH pool is closed.');
    const host = this.options.lookup(hostName);
    if (!host) throw new Error(`${hostName} is not in the fleet file.`);
    const ref: HostRef = { name: host.name, address: host.address, port: host.port };
    const config = connectionKey(host, this.options.lookup);

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
      through: lastHop(host, this.options.lookup),
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
    connection.ready = connectThroughJumps(this.options, host, ref, client, hops, this.options.lookup).then(
      () => {
        this.failures.delete(host.name);
        this.emit(host.name, 'connected');
        const through = lastHop(host, this.options.lookup);
        client.on('error', (err: Error & { level?: string }) => (connection.lost ??= connectionLost(ref, err, this.options.keepaliveMs ?? KEEPALIVE_MS, through)));
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
