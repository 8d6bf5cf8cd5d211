import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requests, streams } from '../../shared/api';
import type { ServerMessage } from '../../shared/protocol';
import { newToken } from '../../electron/serve/auth';
import { connect, rawRequest, type TestConnection } from '../testbeds/browserTestClient';
import { startConsole } from '../startConsole';

// Fuzzing browser mode: generated request lines, headers and contract messages (every request and
// stream name of the contract, Object.prototype's names, wrong types, deep nesting, huge and odd
// values), from a fixed seed so that a failure can be replayed. Whatever it sends, the server must
// answer afterwards. `npm test` runs a short round (fuzz.int.test.ts); `npm run bench -- fuzz`
// runs it for as long as asked against the built console.

export const FUZZ_USAGE = `  fuzz [--seconds N] [--seed S]   hostile requests and messages against the built console (browser mode), then checks it still answers`;

export interface FuzzTarget {
  port: number;
  token: string;
}

export interface FuzzCounts {
  requests: number;
  messages: number;
  /** Refusals: HTTP answers of 400 and more, protocol results and stream ends with an error. */
  errorsAnswered: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype'];
const NAMES = [...Object.keys(requests), ...Object.keys(streams), ...PROTOTYPE_NAMES, '', 'fleet.', '.', 'a'.repeat(5000), '\u0000', 'ü🚀'];
const TARGETS = ['/', '//', '///', '//[', '//evil.example/x', '/down', '/ws', '/%E0%A4%A', '/%', '/%%', '/%00', '/..', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fsecret', '*', 'http://evil.example/', '/?token=', '/index.html', '/a'.repeat(3000), '/ü', '/#frag', '/?a=%E0%A4%A&token=%'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE', 'PATCH', 'GETT'];

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** One raw HTTP request: a request line and headers, some right, most odd. */
export function fuzzRequest(random: Random, target: FuzzTarget): string {
  const hosts = [`127.0.0.1:${target.port}`, `localhost:${target.port}`, `evil.example:${target.port}`, '', 'x'.repeat(2000), `[::1]:${target.port}`, `127.0.0.1:${target.port}, evil.example`];
  let path = pick(random, TARGETS);
  const token = pick(random, [target.token, 'wrong', '', null, target.token + '%E0%A4%A']);
  if (token !== null && random() < 0.5) path += `${path.includes('?') ? '&' : '?'}token=${token}&down=${pick(random, ['', 'x', '00000000-0000-0000-0000-000000000000', '__proto__'])}`;
  const headers: string[] = [];
  if (random() < 0.9) headers.push(`Host: ${pick(random, hosts)}`);
  if (random() < 0.4) headers.push(`Origin: ${pick(random, [`http://127.0.0.1:${target.port}`, 'http://evil.example', 'null', ''])}`);
  if (random() < 0.3) headers.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Key: ${pick(random, ['dGhlIHNhbXBsZSBub25jZQ==', '', '!!!'])}`);
  if (random() < 0.2) headers.push(`Cookie: ${pick(random, [`fleetdeck_token_${target.port}=${target.token}`, '=;=;', 'a'.repeat(3000)])}`);
  if (random() < 0.1) headers.push(`Content-Length: ${pick(random, ['-1', '99999999999', 'abc', '5'])}`);
  if (random() < 0.1) headers.push(`Transfer-Encoding: ${pick(random, ['chunked', 'gzip, chunked', 'x'])}`);
  if (random() < 0.1) headers.push(pick(random, ['X: \u00ff\u00fe', 'Bad Header: x', ': empty', 'X-Long: ' + 'y'.repeat(20_000)]));
  headers.push('Connection: close');
  return `${pick(random, METHODS)} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`;
}

/** Stands for an array nested thousands deep, written into the message's text as it is sent
 * (JSON.stringify would overflow the fuzzer's own stack). */
const DEEP = '\u0001deep';
const DEEP_JSON = '['.repeat(20_000) + ']'.repeat(20_000);

/** A JSON value of any shape: wrong types, deep nesting, huge and odd values, prototype keys. */
export function fuzzValue(random: Random, depth = 0): unknown {
  const r = random();
  if (depth > 6 || r < 0.25) return pick(random, [null, true, 0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, '', 'x'.repeat(100_000), '\u0000', '../../etc/passwd', '$(touch /tmp/fuzzed)', '{address}']);
  if (r < 0.35) return DEEP;
  if (r < 0.6) return Array.from({ length: Math.floor(random() * 5) }, () => fuzzValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 5); i > 0; i--) object[pick(random, [...PROTOTYPE_NAMES, 'id', 'host', 'hosts', 'name', 'path', 'command', 'ref', 'app', 'x'])] = fuzzValue(random, depth + 1);
  return object;
}

/** One protocol message: mostly the contract's shapes with odd contents, sometimes not even that. */
export function fuzzMessage(random: Random): string {
  const id = pick(random, [Math.floor(random() * 1000), -1, 1.5, 1e300, '1', null]);
  const t = pick(random, ['call', 'open', 'close', 'ack', 'result', 'x', '__proto__']);
  const message: Record<string, unknown> = { t, id };
  if (random() < 0.9) message[t === 'open' ? 'stream' : 'method'] = pick(random, NAMES);
  if (random() < 0.9) message[t === 'open' ? 'params' : 'input'] = fuzzValue(random);
  if (t === 'ack') message.weight = pick(random, [1, -1, 1e308, 'x']);
  let text = JSON.stringify(message).replaceAll(JSON.stringify(DEEP), DEEP_JSON);
  // Past the WebSocket's 1 MB a message closes the connection (as it should); keep this one open.
  if (text.length > 512 * 1024) text = text.slice(0, 1000);
  if (random() < 0.05) return text.slice(0, Math.floor(random() * text.length));
  if (random() < 0.05) return text.replace('{', '{"__proto__":{"polluted":true},');
  return text;
}

/** Sends `count` requests, `concurrency` at a time, counting the refusals. */
export async function fuzzRequests(random: Random, target: FuzzTarget, count: number, counts: FuzzCounts, concurrency = 16): Promise<void> {
  const batch = Array.from({ length: count }, () => fuzzRequest(random, target));
  for (let i = 0; i < batch.length; i += concurrency) {
    const answers = await Promise.all(batch.slice(i, i + concurrency).map((request) => rawRequest(target.port, request).catch(() => ({ status: 0, text: '' }))));
    counts.requests += answers.length;
    counts.errorsAnswered += answers.filter((a) => a.status >= 400).length;
  }
}

/** Sends `count` messages on one connection, and counts what came back as refusals. */
export async function fuzzMessages(random: Random, target: FuzzTarget, count: number, counts: FuzzCounts): Promise<void> {
  const c = await connect(`http://127.0.0.1:${target.port}`, target.token);
  try {
    for (let i = 0; i < count; i++) {
      c.send(fuzzMessage(random));
      counts.messages++;
      // Let the answers flow now and then, as a page would.
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1));
    }
    await settle(c);
    counts.errorsAnswered += c.messages.filter(isRefusal).length;
  } finally {
    c.ws.close();
  }
}

/** True when the server still serves the page and answers a request in full. */
export async function stillAnswers(target: FuzzTarget): Promise<boolean> {
  try {
    const page = await fetch(`http://127.0.0.1:${target.port}/`);
    if (page.status !== 200) return false;
    const c = await connect(`http://127.0.0.1:${target.port}`, target.token);
    c.send({ t: 'call', id: 1, method: 'app.info', input: {} });
    const answer = await c.waitFor((m) => m.t === 'result' && m.id === 1);
    c.ws.close();
    return answer.t === 'result' && answer.ok;
  } catch {
    return false;
  }
}

/** Waits until a marker call comes back: everything sent before it has been handled. */
async function settle(c: TestConnection): Promise<void> {
  c.send({ t: 'call', id: 987_654_321, method: 'app.info', input: {} });
  await c.waitFor((m) => m.t === 'result' && m.id === 987_654_321);
}

function isRefusal(m: ServerMessage): boolean {
  return (m.t === 'result' && !m.ok) || (m.t === 'end' && m.error !== undefined);
}

/** `npm run bench -- fuzz`: the built console on a tiny fleet, fuzzed for `seconds`. */
export async function runFuzz(o: { seconds: number; seed: number; repoRoot: string }): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-fuzz-'));
  const fleetFile = path.join(dir, 'fleet.yaml');
  fs.writeFileSync(fleetFile, 'environments:\n  staging: { roles: { app: ["fuzz-[1:3]"] } }\n');
  const token = newToken();
  // Its own home: a request that writes a fleet file or remembers a key writes it here.
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config') };
  const console_ = await startConsole({ repoRoot: o.repoRoot, fleetFile, dataDir: path.join(dir, 'data'), token, env });
  const target = { port: Number(new URL(console_.url).port), token };
  const counts: FuzzCounts = { requests: 0, messages: 0, errorsAnswered: 0 };
  const random = seededRandom(o.seed);
  const started = Date.now();
  let crashed = false;
  try {
    while (Date.now() - started < o.seconds * 1000 && !crashed) {
      await fuzzRequests(random, target, 500, counts);
      await fuzzMessages(random, target, 500, counts);
      crashed = console_.process.exitCode !== null || !(await stillAnswers(target));
      console.log(`fuzz: ${Math.round((Date.now() - started) / 1000)} s, ${counts.requests} requests, ${counts.messages} messages, ${counts.errorsAnswered} errors answered${crashed ? ', THE CONSOLE STOPPED ANSWERING' : ''}`);
    }
  } catch (error) {
    console.log(`fuzz: ${(error as Error).message}`);
    crashed = true;
  } finally {
    console_.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ bench: 'fuzz', seed: o.seed, seconds: Math.round((Date.now() - started) / 1000), ...counts, crashes: crashed ? 1 : 0 }));
  return crashed ? 1 : 0;
}
