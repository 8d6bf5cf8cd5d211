import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/protocol';
import type { FleetSnapshot } from '../../shared/fleet/model';
import { startCore, type Core } from '../core';
import { startBrowserServer, type BrowserServer } from './server';

// Browser mode over real sockets: the HTTP server, the token, the Origin check, and the contract
// carried over a real WebSocket to a real core reading a real fleet file.

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

/** A protocol client over a real WebSocket, recording every message. */
async function connect(headers: Record<string, string> = { Origin: base }, token = TOKEN) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { headers });
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const waitFor = async (match: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
    for (let i = 0; i < 200; i++) {
      const found = messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
  };
  return { ws, messages, waitFor, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
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

describe('browser mode WebSocket', () => {
  it('refuses an upgrade without the token', async () => {
    await expect(connect({ Origin: base }, 'nope')).rejects.toThrow('HTTP 401');
  });

  it('refuses a foreign Origin even with the token', async () => {
    await expect(connect({ Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
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
