// Status endpoints that misbehave on purpose, for `npm run bench -- bad-endpoints`: each address
// answers Monit's and node_exporter's ports in one bad way. Raw sockets, not node:http, so each
// kind is exactly the bytes (or silence) it says. Run as a child process of the bench
// (`node --import tsx e2e/bench/hostileEndpoints.ts '<json>'`) so its buffers are not counted in
// the measured process; it prints "ready" once listening and exits when its stdin closes.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export const HOSTILE_KINDS = ['trickle', 'stalled-body', 'silent', 'huge', 'endless', 'binary', 'reset', 'not-http'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** What each kind does, for the report. */
export const HOSTILE_WHAT: Record<HostileKind, string> = {
  trickle: 'headers, then one byte a second of a 100 kB body',
  'stalled-body': 'headers and 10 bytes of a 1,000-byte body, then nothing',
  silent: 'accepts the connection and never answers',
  huge: 'a 50 MB body, as fast as it is read',
  endless: 'a chunked body that never ends, as fast as it is read',
  binary: '200 OK with 64 kB of random bytes',
  reset: 'headers and half a body, then a TCP reset',
  'not-http': 'an SSH banner instead of HTTP, then close',
};

const MB = 1024 * 1024;

function headers(extra: string): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n${extra}\r\n`;
}

/** Writes `next()` chunks while the socket takes them, until `next` returns null or the peer goes. */
function pump(socket: net.Socket, next: () => Buffer | null): void {
  const write = (): void => {
    for (;;) {
      if (socket.destroyed) return;
      const chunk = next();
      if (chunk === null) return void socket.end();
      if (!socket.write(chunk)) return void socket.once('drain', write);
    }
  };
  write();
}

function behave(kind: HostileKind, socket: net.Socket): void {
  switch (kind) {
    case 'trickle': {
      socket.write(headers('Content-Length: 100000\r\n'));
      const timer = setInterval(() => socket.write('#'), 1000);
      socket.on('close', () => clearInterval(timer));
      return;
    }
    case 'stalled-body':
      socket.write(headers('Content-Length: 1000\r\n') + '# HELP nod');
      return;
    case 'silent':
      return;
    case 'huge': {
      let left = 50 * MB;
      const line = Buffer.from('node_load1 0.5\n'.repeat(4096));
      socket.write(headers(`Content-Length: ${left}\r\n`));
      pump(socket, () => {
        if (left <= 0) return null;
        const chunk = line.subarray(0, Math.min(line.length, left));
        left -= chunk.length;
        return chunk;
      });
      return;
    }
    case 'endless': {
      const body = 'node_load1 0.5\n'.repeat(4096);
      const chunk = Buffer.from(`${body.length.toString(16)}\r\n${body}\r\n`);
      socket.write(headers('Transfer-Encoding: chunked\r\n'));
      pump(socket, () => chunk);
      return;
    }
    case 'binary':
      socket.end(Buffer.concat([Buffer.from(headers('Content-Length: 65536\r\n')), randomBytes(65536)]));
      return;
    case 'reset':
      socket.write(headers('Content-Length: 2000\r\n') + 'node_load1 0.5\n'.repeat(60), () => socket.resetAndDestroy());
      return;
    case 'not-http':
      socket.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
      return;
  }
}

/** Listens on every (address, port) and answers each request in the address's bad way. */
export async function startHostile(endpoints: ReadonlyArray<{ address: string; kind: HostileKind }>, ports: readonly number[]): Promise<net.Server[]> {
  const servers: net.Server[] = [];
  for (const { address, kind } of endpoints) {
    for (const port of ports) {
      const server = net.createServer((socket) => {
        socket.on('error', () => undefined);
        let head = '';
        const onData = (data: Buffer): void => {
          head += data.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          socket.off('data', onData);
          behave(kind, socket);
        };
        socket.on('data', onData);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => resolve());
      });
      servers.push(server);
    }
  }
  return servers;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { endpoints, ports } = JSON.parse(process.argv[2] ?? '{}') as { endpoints: Array<{ address: string; kind: HostileKind }>; ports: number[] };
  startHostile(endpoints, ports).then(
    () => console.log('ready'),
    (error: unknown) => {
      console.error(`hostile endpoints: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
}
