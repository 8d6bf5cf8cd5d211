import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../electron/core/core';
import { newToken } from '../../electron/serve/auth';
import { startBrowserServer, type BrowserServer } from '../../electron/serve/server';
import { fuzzMessages, fuzzRequests, seededRandom, stillAnswers, type FuzzCounts, type FuzzTarget } from './fuzz';

// A short fuzzing round with a fixed seed (the same requests and messages on every run) against a
// running browser-mode server and a real core on a tiny fleet. `npm run bench -- fuzz` runs longer.

const SEED = 17;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-fuzz-int-'));
const logged: string[] = [];
let core: Core;
let server: BrowserServer;
let target: FuzzTarget;

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, 'renderer'));
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Fleetdeck</title>');
  fs.writeFileSync(path.join(dir, 'fleet.yaml'), 'environments:\n  staging: { roles: { app: ["fuzz-[1:3]"] } }\n');
  // Its own home and config folder: a request that writes a file writes it here.
  core = await startCore({ mode: 'browser', fleetPath: path.join(dir, 'fleet.yaml'), dataDir: path.join(dir, 'data'), home: dir, configDir: path.join(dir, 'config') });
  const token = newToken();
  server = await startBrowserServer({ api: core.api, host: '127.0.0.1', port: 0, token, rendererDir: path.join(dir, 'renderer'), log: (line) => logged.push(line) });
  target = { port: server.port, token };
});
afterAll(async () => {
  await server?.close();
  await core?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('browser mode under fuzzing', () => {
  it(`answers thousands of generated requests and messages (seed ${SEED}) and still serves afterwards`, async () => {
    const random = seededRandom(SEED);
    const counts: FuzzCounts = { requests: 0, messages: 0, errorsAnswered: 0 };
    for (let round = 0; round < 3; round++) {
      await fuzzRequests(random, target, 1000, counts);
      await fuzzMessages(random, target, 1000, counts);
    }
    expect(counts).toMatchObject({ requests: 3000, messages: 3000 });
    expect(counts.errorsAnswered).toBeGreaterThan(3000);
    expect(await stillAnswers(target)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Nothing the fuzzer sent was an unexpected error: each was refused on purpose.
    expect(logged.filter((line) => line.includes('unexpected'))).toEqual([]);
  }, 180_000);
});
