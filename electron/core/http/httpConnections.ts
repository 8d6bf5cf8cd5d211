import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

// The connections status polling runs on: opened per origin, kept alive between polls, and read
// into one shared buffer. A plain socket allocates a fresh 64 kB buffer for every read; at 200
// answers a second that external memory made V8 run a full garbage collection every second or
// two, which cost more than the polling itself. With `onread` every read lands in READ_BUFFER and
// the reader must copy or decode what it keeps before it returns (HttpResponseReader does).

/** Idle keep-alive connections kept in all; a fleet of 1,000 hosts with two sources needs 2,000. */
const MAX_IDLE = 4096;
/** An idle connection is closed after this (node_exporter's Go server keeps them 3 minutes). */
const IDLE_MS = 60_000;

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** What a connection tells whoever uses it now: an exchange, or the idle pool. */
export interface ConnectionUser {
  /** The bytes that arrived; the buffer is only valid during the call. */
  bytes(bytes: Buffer): void;
  /** The server ended or closed the connection. */
  end(): void;
  error(error: NodeJS.ErrnoException): void;
}

/** Its listeners are added once, when it opens, and call whoever `user` is at the time: adding
 * and removing listeners for every exchange and idle period made objects that lived an interval. */
export interface Connection {
  /** A TCP or TLS socket, or an SSH channel (which has no ref/unref). */
  readonly socket: Duplex & { ref?(): unknown; unref?(): unknown };
  user: ConnectionUser;
  /** When it went back to the pool; -1 while in use (a number, never null: V8 then rewrites the
   * field in place instead of allocating a new number each time). */
  idleSince: number;
  /** The socket is an SSH channel itself (plain HTTP over it), closed with closeConnection. */
  readonly channel: boolean;
}

/**
 * Ends a connection at once. An SSH channel (ssh2's) ends with one CLOSE message: its destroy()
 * ends the stream first, which sends an EOF as well, and once the server has sent its own EOF
 * builds an ERR_STREAM_ALREADY_FINISHED error (with its stack) that nobody sees.
 */
export function closeConnection(connection: Connection): void {
  const { socket } = connection;
  const close = connection.channel ? (socket as { close?: unknown }).close : undefined;
  if (typeof close === 'function') close.call(socket);
  else socket.destroy();
}

/** Nobody's: what a connection reports once let go (an error while closing must not crash). */
export const NOBODY: ConnectionUser = { bytes: () => undefined, end: () => undefined, error: () => undefined };

/** How an https endpoint's certificate is checked; without it, it is not (see connect). */
export interface TlsSettings {
  /** Checked against `ca` (or the system's CAs without it), and against the host name. */
  verify: boolean;
  /** PEM: the CA certificates to trust instead of the system's. */
  ca?: Buffer;
  /** PEM: a client certificate and its key, for a server that asks for one. */
  cert?: Buffer;
  key?: Buffer;
  /** The name the certificate must carry, when not the URL's host. */
  servername?: string;
  /** Tells connections made with different settings apart in the idle pool. */
  id: string;
}

export interface Endpoint {
  secure: boolean;
  /** Host name or address as connect() takes it (no brackets). */
  hostname: string;
  port: number;
}

/** A new connection, over `over` (an SSH channel to the endpoint) when given; nothing is sent yet. */
export function connect(endpoint: Endpoint, over?: Duplex, settings?: TlsSettings): Connection {
  const { hostname, port } = endpoint;
  const connection: { socket: Connection['socket'] | null; user: ConnectionUser; idleSince: number; channel: boolean } = { socket: null, user: NOBODY, idleSince: -1, channel: false };
  let socket: Connection['socket'];
  if (endpoint.secure) {
    // Status endpoints on the fleet often have self-signed certificates; the operator chose the
    // URL in the fleet file, and nothing secret is sent but the endpoint's own password. A source
    // that asks for it (a Prometheus's `tls`) has its certificate checked.
    const where = over ? { socket: over } : { host: hostname, port };
    const servername = settings?.servername ?? (net.isIP(hostname) ? undefined : hostname);
    socket = tls.connect({ ...where, servername, rejectUnauthorized: settings?.verify ?? false, ca: settings?.ca, cert: settings?.cert, key: settings?.key });
    socket.on('data', (chunk: Buffer) => connection.user.bytes(chunk));
  } else if (over) {
    socket = over;
    connection.channel = true;
    socket.on('data', (chunk: Buffer) => connection.user.bytes(chunk));
  } else {
    socket = net.connect({
      host: hostname,
      port,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buffer: Uint8Array) => {
          connection.user.bytes((buffer as Buffer).subarray(0, n));
          return true; // false would pause the socket
        },
      },
    });
  }
  socket.on('end', () => connection.user.end());
  socket.on('close', () => connection.user.end());
  socket.on('error', (error: NodeJS.ErrnoException) => connection.user.error(error));
  connection.socket = socket;
  return connection as Connection;
}

/** Keep-alive connections waiting for their origin's next poll, newest last. */
export class IdleConnections {
  private readonly byOrigin = new Map<string, Connection[]>();
  private count = 0;
  /** Closes connections idle too long; runs only while some are idle. */
  private sweeper: NodeJS.Timeout | null = null;
  /** The pool's user of each idle connection, made once per connection: it takes the connection
   * out of the pool and closes it if the server closes it, errs, or talks out of turn. */
  private readonly users = new WeakMap<Connection, ConnectionUser>();

  take(origin: string): Connection | undefined {
    const list = this.byOrigin.get(origin);
    for (let connection = list?.at(-1); connection; connection = list?.at(-1)) {
      this.remove(origin, connection);
      // One the server has begun to close is of no use.
      if (connection.socket.destroyed || !connection.socket.writable) {
        closeConnection(connection);
        continue;
      }
      connection.socket.ref?.();
      return connection;
    }
    return undefined;
  }

  give(origin: string, connection: Connection, now = Date.now()): void {
    const { socket } = connection;
    if (this.count >= MAX_IDLE || socket.destroyed) {
      closeConnection(connection);
      return;
    }
    let list = this.byOrigin.get(origin);
    if (!list) this.byOrigin.set(origin, (list = []));
    list.push(connection);
    this.count++;
    connection.idleSince = now;
    let user = this.users.get(connection);
    if (!user) {
      const drop = (): void => {
        this.remove(origin, connection);
        closeConnection(connection);
      };
      user = { bytes: drop, end: drop, error: drop };
      this.users.set(connection, user);
    }
    connection.user = user;
    socket.unref?.();
    this.sweeper ??= setInterval(() => this.sweep(Date.now()), IDLE_MS / 4).unref();
  }

  /** Closes the connections idle for longer than IDLE_MS (all of them at `now` = Infinity). */
  sweep(now: number): void {
    for (const [origin, list] of [...this.byOrigin]) {
      for (const connection of list.filter((c) => now - c.idleSince > IDLE_MS)) {
        this.remove(origin, connection);
        closeConnection(connection);
      }
      // An origin's list stays while in use (no new array every poll), and goes when empty here.
      if (list.length === 0) this.byOrigin.delete(origin);
    }
    if (this.count === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Closes the connection idle the longest of the origin that went idle first; false if none is. */
  closeOldest(): boolean {
    for (const [origin, list] of this.byOrigin) {
      const oldest = list[0];
      if (!oldest) continue;
      this.remove(origin, oldest);
      closeConnection(oldest);
      return true;
    }
    return false;
  }

  closeAll(): void {
    this.sweep(Infinity);
  }

  /** Out of the pool, told nothing more (an error while it closes must not crash). */
  private remove(origin: string, connection: Connection): void {
    if (connection.idleSince < 0) return;
    connection.idleSince = -1;
    connection.user = NOBODY;
    const list = this.byOrigin.get(origin)!;
    list.splice(list.lastIndexOf(connection), 1);
    this.count--;
  }
}
