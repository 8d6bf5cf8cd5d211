import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, IdleConnections } from './httpConnections';
import { closeIdleSockets, httpGet } from './httpGet';

// Fleetdeck's own HTTP client against real sockets: connections are reused while the server keeps
// them, a connection the server dropped while idle costs a retry and not a failed poll, and
// "Connection: close" is honoured. (How bad answers are reported is in statusService.int.test.ts.)
// Address 127.0.41.60 (the status tests' range).

const ADDRESS = '127.0.41.60';

interface Server {
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}

/** A server that answers every request with `answer(n, c)`, n counting requests and c the
 * requests on this connection; null hangs up without answering. */
async function serve(answer: (n: number, c: number) => string | null, afterAnswer?: (socket: net.Socket) => void): Promise<Server> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    let onThisConnection = 0;
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      while (pending.includes('\r\n\r\n')) {
        pending = pending.slice(pending.indexOf('\r\n\r\n') + 4);
        const text = answer(++requests, ++onThisConnection);
        if (text === null) return void socket.destroy();
        socket.write(text);
        afterAnswer?.(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${ADDRESS}:${port}/metrics`,
    connections: () => connections,
    close: () => new Promise((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }),
  };
}

const ok = (body: string, headers = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;
const get = (url: string) => httpGet(url, { timeoutMs: 2000, maxBytes: 1 << 20 });
const servers: Server[] = [];

afterAll(async () => {
  closeIdleSockets();
  await Promise.all(servers.map((s) => s.close()));
});

describe('httpGet', () => {
  it('keeps a connection alive between polls and reads chunked answers', async () => {
    const server = await serve((n) => (n % 2 ? ok(`answer ${n}`) : `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nanswer \r\n1\r\n${n}\r\n0\r\n\r\n`));
    servers.push(server);
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) bodies.push((await get(server.url)).body);
    expect(bodies).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
    expect(server.connections()).toBe(1);
  });

  it('opens a new connection, without failing the poll, when the server dropped the idle one', async () => {
    // Closed by the server after 50 ms idle, without saying so in the headers: the pool notices.
    const idle = await serve((n) => ok(`answer ${n}`), (socket) => setTimeout(() => socket.destroy(), 50));
    servers.push(idle);
    expect((await get(idle.url)).body).toBe('answer 1');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await get(idle.url)).body).toBe('answer 2');
    expect(idle.connections()).toBe(2);
    // Closed just as the next request arrives (the race the pool cannot see): the GET goes again.
    const racing = await serve((n, c) => (c === 2 ? null : ok(`answer ${n}`)));
    servers.push(racing);
    expect((await get(racing.url)).body).toBe('answer 1');
    expect((await get(racing.url)).body).toBe('answer 3');
    expect(racing.connections()).toBe(2);
  });

  it('closes connections idle for more than a minute, and drops one that errs while idle', async () => {
    const server = await serve((n) => ok(`answer ${n}`));
    servers.push(server);
    const { port } = new URL(server.url);
    const open = async () => {
      const connection = connect({ secure: false, hostname: ADDRESS, port: Number(port) });
      await new Promise((resolve) => connection.socket.once('connect', resolve));
      return connection;
    };
    const pool = new IdleConnections();
    const [old, fresh, failing] = [await open(), await open(), await open()];
    pool.give('a', old, Date.now() - 61_000);
    pool.give('a', fresh);
    pool.give('b', failing);
    expect(pool.size).toBe(3);
    pool.sweep(Date.now());
    expect(old.socket.destroyed).toBe(true);
    expect(pool.size).toBe(2);
    failing.socket.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    expect(failing.socket.destroyed).toBe(true);
    expect(pool.take('b')).toBeUndefined();
    expect(pool.take('a')).toBe(fresh);
    expect(pool.size).toBe(0);
    pool.give('a', fresh);
    pool.closeAll();
    expect(fresh.socket.destroyed).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('does not reuse a connection the server said it closes', async () => {
    const server = await serve((n) => ok(`answer ${n}`, 'Connection: close\r\n'), (socket) => socket.end());
    servers.push(server);
    await get(server.url);
    await get(server.url);
    await get(server.url);
    expect(server.connections()).toBe(3);
  });

  it('sends basic auth from the options or the URL', async () => {
    let seen = '';
    const server = net.createServer((socket) => {
      socket.once('data', (data) => {
        seen = /authorization: basic (\S+)/i.exec(data.toString('latin1'))?.[1] ?? '';
        socket.end(ok('ok', 'Connection: close\r\n'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
    const { port } = server.address() as net.AddressInfo;
    await httpGet(`http://${ADDRESS}:${port}/`, { timeoutMs: 2000, maxBytes: 1000, auth: 'admin:s3cret' });
    expect(Buffer.from(seen, 'base64').toString()).toBe('admin:s3cret');
    await httpGet(`http://monit:p%40ss@${ADDRESS}:${port}/`, { timeoutMs: 2000, maxBytes: 1000 });
    expect(Buffer.from(seen, 'base64').toString()).toBe('monit:p@ss');
    await new Promise((resolve) => server.close(resolve));
  });
});
