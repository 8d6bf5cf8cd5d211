import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/protocol';
import { decodeFrame, FrameReader, type DownFrame } from '../../shared/wire';
import type { FleetSnapshot } from '../../shared/fleet/model';
import { startCore, type Core } from '../core';
import { startBrowserServer, type BrowserServer } from './server';

// Browser mode over real sockets: the HTTP server, the token, the Origin check, and the contract
// carried over a real down stream and WebSocket to a real core reading a real fleet file.

const TOKEN = 'test-token-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-serve-'));
const fleetFile = path.join(dir, 'fleet.yaml');
const rendererDir = path.join(dir, 'renderer');
let core: Core;
let server: BrowserServer;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Fleetdeck</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  fs.writeFileSync(fleetFile, 'environments:\n  staging: { roles: { app: ["web-[1:3]"] } }\n');
  core = await startCore({ mode: 'browser', fleetPath: fleetFile, dataDir: path.join(dir, 'data') });
  server = await startBrowserServer({ api: core.api, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await core.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens the down stream and gives its pairing id, and every message that comes down it. */
async function openDown(headers: Record<string, string>, token: string) {
  const down = new AbortController();
  const res = await fetch(`${base}/down?token=${token}`, { headers, signal: down.signal });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const reader = res.body!.getReader();
  const frames = new FrameReader();
  const messages: DownFrame[] = [];
  let ended = false;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of frames.push(value)) messages.push(decodeFrame(frame));
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  await until('the hello frame', () => messages.length > 0);
  const hello = messages.shift()!;
  if (hello.t !== 'hello') throw new Error(`the first frame was ${JSON.stringify(hello)}`);
  return { pair: hello.pair, messages: messages as ServerMessage[], abort: () => down.abort(), ended: () => ended };
}

function openWebSocket(query: string, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?${query}`, { headers });
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

/** A protocol client as the page is one: messages down a fetch, up a WebSocket paired to it. */
async function connect(headers: Record<string, string> = { Origin: base }, token = TOKEN) {
  const down = await openDown(headers, token);
  const ws = await openWebSocket(`token=${token}&down=${down.pair}`, headers);
  const { messages } = down;
  const waitFor = async (match: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
    await until(`a matching message; got ${JSON.stringify(messages)}`, () => messages.some(match));
    return messages.find(match)!;
  };
  return { ws, down, messages, waitFor, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

describe('browser mode HTTP', () => {
  it('answers 401 without the token or with a wrong one', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/assets/x.js`)).status).toBe(401);
  });

  it('serves the page with the token and sets a cookie that works alone', async () => {
    const res = await fetch(`${base}/?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Fleetdeck</title>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/hosts/web-1`, { headers: { cookie } })).status).toBe(200);
  });

  it('never serves a file outside the renderer folder', async () => {
    const res = await fetch(`${base}/..%2Fsecret.txt?token=${TOKEN}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside the renderer');
  });
});

describe('browser mode transport', () => {
  it('refuses the down stream and the WebSocket without the token', async () => {
    await expect(openDown({ Origin: base }, 'nope')).rejects.toThrow('HTTP 401');
    const down = await openDown({ Origin: base }, TOKEN);
    await expect(openWebSocket(`token=nope&down=${down.pair}`, { Origin: base })).rejects.toThrow('HTTP 401');
    down.abort();
  });

  it('refuses a foreign Origin even with the token', async () => {
    await expect(openDown({ Origin: 'http://evil.example' }, TOKEN)).rejects.toThrow('HTTP 403');
    const down = await openDown({ Origin: base }, TOKEN);
    await expect(openWebSocket(`token=${TOKEN}&down=${down.pair}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    down.abort();
  });

  it('refuses a WebSocket that names no open down stream, or one already taken', async () => {
    await expect(openWebSocket(`token=${TOKEN}`, { Origin: base })).rejects.toThrow('HTTP 409');
    const c = await connect();
    await expect(openWebSocket(`token=${TOKEN}&down=${c.down.pair}`, { Origin: base })).rejects.toThrow('HTTP 409');
    c.ws.close();
  });

  it('ends the down stream when the WebSocket closes, and closes the WebSocket when the page drops the down stream', async () => {
    const a = await connect();
    a.ws.close();
    await until('the down stream to end', a.down.ended);

    const b = await connect();
    const closed = new Promise<void>((resolve) => b.ws.once('close', () => resolve()));
    b.down.abort();
    await closed;
  });

  it('carries calls and says clearly what is wrong with bad ones', async () => {
    const c = await connect();
    c.send({ t: 'call', id: 1, method: 'app.info', input: {} });
    c.send({ t: 'call', id: 2, method: 'app.info', input: { surprise: 1 } });
    c.send({ t: 'call', id: 3, method: 'no.such', input: {} });
    c.send('this is not json');
    expect(await c.waitFor((m) => m.t === 'result' && m.id === 1)).toMatchObject({ ok: true, output: { name: 'Fleetdeck', mode: 'browser' } });
    expect(await c.waitFor((m) => m.t === 'result' && m.id === 2)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await c.waitFor((m) => m.t === 'result' && m.id === 3)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await c.waitFor((m) => m.t === 'result' && m.id === -1)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    c.ws.close();
  });

  it('streams fleet updates and keeps the last good fleet when the file breaks', async () => {
    const c = await connect();
    c.send({ t: 'open', id: 7, stream: 'fleet.updates', params: {} });
    const events = (): FleetSnapshot[] => c.messages.flatMap((m) => (m.t === 'events' && m.id === 7 ? (m.events as FleetSnapshot[]) : []));
    await c.waitFor(() => events().length >= 1);
    expect(events()[0]!.hosts.map((h) => h.name)).toEqual(['web-1', 'web-2', 'web-3']);

    fs.writeFileSync(fleetFile, 'environments:\n  staging: { roles: { app: [web-1, }\n');
    await c.waitFor(() => events().some((e) => e.problem !== null));
    const broken = events().find((e) => e.problem !== null)!;
    expect(broken.problem).toMatchObject({ file: fleetFile, line: 2 });
    expect(broken.hosts).toHaveLength(3);

    fs.writeFileSync(fleetFile, 'environments:\n  staging: { roles: { app: [web-1] } }\n');
    await c.waitFor(() => events().some((e) => e.problem === null && e.hosts.length === 1));
    c.send({ t: 'close', id: 7 });
    c.ws.close();
  });
});
