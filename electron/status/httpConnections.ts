import net from 'node:net';
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

export interface Connection {
  readonly socket: net.Socket;
  /** Who gets the bytes that arrive; the buffer is only valid during the call. */
  onBytes: (bytes: Buffer) => void;
}

export interface Endpoint {
  secure: boolean;
  /** Host name or address as connect() takes it (no brackets). */
  hostname: string;
  port: number;
}

/** A new connection; nothing is sent yet. */
export function connect(endpoint: Endpoint): Connection {
  const { hostname, port } = endpoint;
  const connection: { socket: net.Socket | null; onBytes: (bytes: Buffer) => void } = { socket: null, onBytes: () => undefined };
  if (endpoint.secure) {
    // Status endpoints on the fleet often have self-signed certificates; the operator chose the
    // URL in the fleet file, and nothing secret is sent but the endpoint's own password.
    const socket = tls.connect({ host: hostname, port, servername: net.isIP(hostname) ? undefined : hostname, rejectUnauthorized: false });
    socket.on('data', (chunk: Buffer) => connection.onBytes(chunk));
    connection.socket = socket;
  } else {
    connection.socket = net.connect({
      host: hostname,
      port,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buffer: Uint8Array) => {
          connection.onBytes((buffer as Buffer).subarray(0, n));
          return true; // false would pause the socket
        },
      },
    });
  }
  return connection as Connection;
}

/** Keep-alive connections waiting for their origin's next poll, newest last. */
export class IdleConnections {
  private readonly byOrigin = new Map<string, Connection[]>();
  /** What takes an idle connection out of the pool when it closes or times out. */
  private readonly watches = new Map<Connection, () => void>();

  take(origin: string): Connection | undefined {
    for (let connection = this.byOrigin.get(origin)?.at(-1); connection; connection = this.byOrigin.get(origin)?.at(-1)) {
      this.remove(origin, connection);
      // One the server has begun to close is of no use.
      if (connection.socket.destroyed || !connection.socket.writable) {
        connection.socket.destroy();
        continue;
      }
      connection.socket.ref();
      return connection;
    }
    return undefined;
  }

  give(origin: string, connection: Connection): void {
    const { socket } = connection;
    if (this.watches.size >= MAX_IDLE || socket.destroyed) {
      socket.destroy();
      return;
    }
    const list = this.byOrigin.get(origin) ?? [];
    list.push(connection);
    this.byOrigin.set(origin, list);
    // Closed by the server, unused too long, or talking out of turn: out of the pool.
    const watch = (): void => {
      this.remove(origin, connection);
      socket.destroy();
    };
    this.watches.set(connection, watch);
    connection.onBytes = watch;
    socket.on('close', watch);
    socket.on('timeout', watch);
    socket.on('error', watch);
    socket.setTimeout(IDLE_MS);
    socket.unref();
  }

  closeAll(): void {
    for (const [origin, list] of [...this.byOrigin]) {
      for (const connection of [...list]) {
        this.remove(origin, connection);
        connection.socket.destroy();
      }
    }
  }

  private remove(origin: string, connection: Connection): void {
    const watch = this.watches.get(connection);
    if (!watch) return;
    this.watches.delete(connection);
    const { socket } = connection;
    socket.off('close', watch);
    socket.off('timeout', watch);
    socket.off('error', watch);
    socket.setTimeout(0);
    const list = this.byOrigin.get(origin)!;
    list.splice(list.lastIndexOf(connection), 1);
    if (list.length === 0) this.byOrigin.delete(origin);
  }
}
