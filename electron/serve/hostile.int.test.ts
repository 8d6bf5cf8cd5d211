import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../core/core';
import { MAX_STREAMS_PER_CONNECTION } from '../core/transport/connection';
import { newToken } from './auth';
import { FREE_FAILURES } from './failureThrottle';
import { startBrowserServer, type BrowserServer } from './server';
import { connect, openDown, openWebSocket, rawRequest, until } from '../../e2e/testbeds/browserTestClient';

// Browser mode against what an attacker sends: a running server and a real core on a small fleet
// file, probed with raw HTTP and hostile protocol messages. Each of these used to stop the process
// (or let a page under another name in, or let a page grow the core's memory without bound).

const TOKEN = newToken();
const HOSTS = 1500;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-hostile-'));
const rendererDir = path.join(dir, 'renderer');
const logged: string[] = [];
let core: Core;
let server: BrowserServer;
let base: string;
let host: string;

beforeAll(async () => {
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Fleetdeck</title>');
  const fleetFile = path.join(dir, 'fleet.yaml');
  // Many hosts, so that a snapshot is big enough for the test of a page that stops reading.
  fs.writeFileSync(fleetFile, `environments:\n  staging: { roles: { app: ["web-[1:${HOSTS}]"] } }\n`);
  core = await startCore({ mode: 'browser', fleetPath: fleetFile, dataDir: path.join(dir, 'data') });
  server = await startBrowserServer({ api: core.api, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir, log: (line) => logged.push(line), maxUnsentDownBytes: 4 * 1024 * 1024 });
  base = `http://127.0.0.1:${server.port}`;
  host = `127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await core?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (target: string, headers = `Host: ${host}\r\n`): Promise<{ status: number; text: string }> =>
  rawRequest(server.port, `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);
const upgrade = (target: string, hostHeader = host): Promise<{ status: number; text: string }> =>
  rawRequest(
    server.port,
    `GET ${target} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );

/** The server still serves the page and a whole protocol conversation. */
async function stillServing(): Promise<void> {
  expect((await fetch(`${base}/`)).status).toBe(200);
  const c = await connect(base, TOKEN);
  c.send({ t: 'call', id: 1, method: 'app.info', input: {} });
  expect(await c.waitFor((m) => m.t === 'result' && m.id === 1)).toMatchObject({ ok: true });
  c.ws.close();
}

describe('requests that do not parse', () => {
  it('answers 400 to targets a URL parser chokes on, with or without the token, and goes on serving', async () => {
    for (const target of ['//', '///', '//[', '//evil.example/x', '/%E0%A4%A', `/%E0%A4%A?token=${TOKEN}`, '/%00', '*', 'http://evil.example/']) {
      expect((await get(target)).status, target).toBe(400);
      expect((await upgrade(target)).status, `upgrade ${target}`).toBe(400);
    }
    expect((await get(`/down?token=${TOKEN}%E0%A4%A`)).status).toBe(401);
    await stillServing();
  });
});

describe('the Host header (DNS rebinding)', () => {
  it('refuses a page, the down stream and the WebSocket under another name, even with the token', async () => {
    for (const evil of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1:${server.port + 1}`, `127.0.0.1.evil.example:${server.port}`]) {
      const page = await get(`/?token=${TOKEN}`, `Host: ${evil}\r\n`);
      expect(page.status, evil).toBe(421);
      expect(page.text).toContain(`this console answers to 127.0.0.1:${server.port}`);
      expect((await get(`/down?token=${TOKEN}`, `Host: ${evil}\r\nOrigin: http://${evil}\r\n`)).status, evil).toBe(421);
      expect((await upgrade(`/ws?token=${TOKEN}`, evil)).status, evil).toBe(421);
    }
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]']) expect((await get('/', `Host: ${name}:${server.port}\r\n`)).status, name).toBe(200);
  });
});

describe('hostile protocol messages', () => {
  it('knows no request or stream named after Object.prototype, and survives wrong types and deep nesting', async () => {
    const c = await connect(base, TOKEN);
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    names.forEach((name, i) => {
      c.send({ t: 'call', id: i, method: name, input: {} });
      c.send({ t: 'open', id: 100 + i, stream: name, params: {} });
    });
    c.send('{"t":"call","id":50,"method":"app.info","input":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    c.send('{"t":"call","id":51,"method":"fleet.snapshot","input":{"__proto__":{"polluted":true}}}');
    c.send({ t: 'open', id: 52, stream: 'fleet.updates', params: null });
    c.send({ t: 'ack', id: 52, weight: -1 });
    c.send({ t: 'call', id: 1e300, method: 'app.info', input: {} });
    for (let i = 0; i < names.length; i++) {
      expect(await c.waitFor((m) => m.t === 'result' && m.id === i)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
      expect(await c.waitFor((m) => m.t === 'end' && m.id === 100 + i)).toMatchObject({ error: { code: 'unknown_stream' } });
    }
    await c.waitFor((m) => m.t === 'result' && m.id === 51);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    c.ws.close();
    await stillServing();
  });

  it(`refuses a stream past ${MAX_STREAMS_PER_CONNECTION} on one connection, saying why`, async () => {
    const c = await connect(base, TOKEN);
    for (let id = 1; id <= MAX_STREAMS_PER_CONNECTION + 1; id++) c.send({ t: 'open', id, stream: 'ssh.questions', params: {} });
    const refused = await c.waitFor((m) => m.t === 'end' && m.id === MAX_STREAMS_PER_CONNECTION + 1);
    expect(refused).toMatchObject({ error: { message: expect.stringContaining(`${MAX_STREAMS_PER_CONNECTION} streams open`) } });
    c.ws.close();
  });

  it('drops a page that stops reading its down stream, instead of buffering without bound', async () => {
    // The down stream on a raw socket that is never read after its first frame.
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write(`GET /down?token=${TOKEN} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${base}\r\n\r\n`);
    let head = '';
    await new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (/"pair":"[0-9a-f-]{36}"/.test(head)) resolve();
      }),
    );
    socket.pause();
    const pair = /"pair":"([0-9a-f-]{36})"/.exec(head)![1]!;
    const ws = await openWebSocket(base, `token=${TOKEN}&down=${pair}`);
    let closed = false;
    ws.on('close', () => (closed = true));
    // Each snapshot of the fleet is a few hundred kB; the page reads none of them.
    for (let id = 1; id <= 200 && !closed; id++) {
      ws.send(JSON.stringify({ t: 'call', id, method: 'fleet.snapshot', input: {} }));
      await new Promise((r) => setTimeout(r, 5));
    }
    await until('the core to drop the page', () => closed);
    expect(logged.filter((line) => line.includes('unread'))).toEqual([expect.stringContaining('dropped the page at 127.0.0.1')]);
    socket.destroy();
    await stillServing();
  });
});

describe('wrong tokens', () => {
  it('answers the first few at once, then each later, logged once, while the right token is still served', async () => {
    // A server of its own: the tests above sent a wrong token or two from this address.
    const lines: string[] = [];
    const fresh = await startBrowserServer({ api: core.api, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir, log: (line) => lines.push(line) });
    const ask = (token: string) => rawRequest(fresh.port, `GET /down?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${fresh.port}\r\nConnection: close\r\n\r\n`);
    try {
      const answers: string[] = [];
      for (let i = 0; i < FREE_FAILURES + 3; i++) answers.push((await ask(`wrong-${i}`)).text);
      expect(answers.every((a) => a.startsWith('HTTP/1.1 401'))).toBe(true);
      expect(answers.slice(0, FREE_FAILURES).filter((a) => a.includes('answered after'))).toEqual([]);
      // Each wrong answer waits twice as long as the one before (give or take the time between them).
      const delays = answers.slice(FREE_FAILURES).map((a) => Number(/answered after (\d+) ms/.exec(a)?.[1]));
      [100, 200, 400].forEach((step, i) => expect(delays[i]).toBeGreaterThanOrEqual(step));
      [100, 200, 400].forEach((step, i) => expect(delays[i]).toBeLessThan(step + 50));
      // The delay is real: the next wrong answer comes no sooner than it says.
      const started = Date.now();
      const next = await ask('wrong-again');
      expect(Date.now() - started).toBeGreaterThanOrEqual(Number(/answered after (\d+) ms/.exec(next.text)![1]) - 2);
      // The right token is answered at once, and the burst was logged once.
      const down = await openDown(`http://127.0.0.1:${fresh.port}`, TOKEN);
      down.abort();
      expect(lines).toEqual([expect.stringMatching(/^Fleetdeck: 6 wrong tokens from 127\.0\.0\.1: answering its wrong tokens slowly/)]);
    } finally {
      await fresh.close();
    }
  });
});
