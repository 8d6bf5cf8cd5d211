import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../shared/fleet/model';
import { startCore, type Core } from '../core/core';
import { newToken } from './auth';
import { guarded, startBrowserServer, type BrowserServer } from './server';
import { connect, openDown as openDownAt, openWebSocket as openWebSocketAt, until } from '../../e2e/testbeds/browserTestClient';

// Browser mode over real sockets: the HTTP server, the token, the Origin check, and the contract
// carried over a real down stream and WebSocket to a real core reading a real fleet file.

const TOKEN = newToken();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-serve-'));
const fleetFile = path.join(dir, 'fleet.yaml');
const rendererDir = path.join(dir, 'renderer');
const FLEET = 'defaults: { status: [ { monit: { user: admin, password: monit-secret-1 } } ] }\nenvironments:\n  staging: { roles: { app: ["web-[1:3]"] } }\n';
let core: Core;
let server: BrowserServer;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Fleetdeck</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(rendererDir, 'linked.txt'));
  fs.symlinkSync(dir, path.join(rendererDir, 'linked-dir'));
  fs.writeFileSync(fleetFile, FLEET);
  core = await startCore({ mode: 'browser', fleetPath: fleetFile, dataDir: path.join(dir, 'data') });
  server = await startBrowserServer({ api: core.api, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await core.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const connectPage = (headers: Record<string, string> = { Origin: base }, token = TOKEN) => connect(base, token, headers);

describe('browser mode HTTP', () => {
  it('serves the page (the renderer, nothing secret) and never sets a cookie: the token is not one', async () => {
    for (const page of [`${base}/`, `${base}/?token=${TOKEN}`, `${base}/hosts/web-1`]) {
      const res = await fetch(page);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>Fleetdeck</title>');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('sends a file whole, with its length (one write, not a stream of reads a busy core must turn its loop for)', async () => {
    const bundle = Buffer.alloc(1_200_000, 'x');
    fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'assets', 'index-1.js'), bundle);
    const res = await fetch(`${base}/assets/index-1.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bundle.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(bundle)).toBe(true);
  });

  it('never serves a file outside the renderer folder, by path or by symlink', async () => {
    for (const outside of ['/..%2Fsecret.txt', '/linked.txt', '/linked-dir/secret.txt']) {
      const res = await fetch(`${base}${outside}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('outside the renderer');
    }
  });
});

const openDown = (headers: Record<string, string>, token: string) => openDownAt(base, token, headers);
const openWebSocket = (query: string, headers: Record<string, string>) => openWebSocketAt(base, query, headers);

describe('browser mode transport', () => {
  it('refuses the down stream and the WebSocket without the token', async () => {
    await expect(openDown({ Origin: base }, 'nope')).rejects.toThrow('HTTP 401');
    const down = await openDown({ Origin: base }, TOKEN);
    await expect(openWebSocket(`token=nope&down=${down.pair}`, { Origin: base })).rejects.toThrow('HTTP 401');
    await expect(openWebSocket(`down=${down.pair}`, { Origin: base })).rejects.toThrow('HTTP 401');
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
    const c = await connectPage();
    await expect(openWebSocket(`token=${TOKEN}&down=${c.down.pair}`, { Origin: base })).rejects.toThrow('HTTP 409');
    c.ws.close();
  });

  it('ends the down stream when the WebSocket closes, and closes the WebSocket when the page drops the down stream', async () => {
    const a = await connectPage();
    a.ws.close();
    await until('the down stream to end', a.down.ended);

    const b = await connectPage();
    const closed = new Promise<void>((resolve) => b.ws.once('close', () => resolve()));
    b.down.abort();
    await closed;
  });

  it('carries calls and says clearly what is wrong with bad ones', async () => {
    const c = await connectPage();
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
    const c = await connectPage();
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
    fs.writeFileSync(fleetFile, FLEET);
  });

  it('never sends the status sources\' passwords to the page', async () => {
    const c = await connectPage();
    c.send({ t: 'call', id: 1, method: 'fleet.reload', input: {} });
    const reloaded = await c.waitFor((m) => m.t === 'result' && m.id === 1);
    c.send({ t: 'call', id: 2, method: 'fleet.snapshot', input: {} });
    c.send({ t: 'open', id: 3, stream: 'fleet.updates', params: {} });
    await c.waitFor((m) => m.t === 'result' && m.id === 2);
    await c.waitFor((m) => m.t === 'events' && m.id === 3);
    // The source is there, with its user: only the password is left out.
    expect(JSON.stringify(reloaded)).toContain('"user":"admin"');
    expect(JSON.stringify(c.messages)).not.toContain('monit-secret-1');
    c.ws.close();
  });
});

describe('the last line of defence', () => {
  it('logs an unexpected error with the request it cost, and answers that request', () => {
    const lines: string[] = [];
    let answered = 0;
    const req = { method: 'GET', url: '/assets/x.js', socket: { destroy: () => undefined } } as unknown as IncomingMessage;
    guarded((line) => lines.push(line), req, () => { throw new Error('a bug in serving'); }, () => void answered++);
    expect(answered).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^Fleetdeck: unexpected error serving GET "\/assets\/x\.js": Error: a bug in serving/)]);
  });
});
