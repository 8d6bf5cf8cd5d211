// `npm run bench -- ui --hosts 1000`: the cluster map in Chromium with every host changing state
// every second. A small HTTP server on 127.0.0.1 answers each host's health URL with 200 or 500,
// flipping once a second; the console (browser mode, the built dist/) polls it every second with
// one attempt, so every poll is a hard state change. The page records how long each status batch
// took to apply (User Timing "fleetdeck:status-batch": store, React render and commit) and to the
// next task, style, layout and paint included ("…-frame"); see renderer/state/bind.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startConsole } from '../startConsole';
import { percentile } from './pollProtocol';
import { newToken } from '../../electron/serve/auth';

export const UI_USAGE = `bench ui [--hosts N] [--seconds S] [--profile]
  --hosts N       hosts on the map (default 1000), every one changing state every second
  --seconds S     how long to measure after the map is up (default 60: the p95 of 120 batches, not of 60)
  --profile       sample the page's JavaScript while measuring and print where its time goes`;

export interface UiOptions {
  hosts: number;
  seconds: number;
  profile: boolean;
  repoRoot: string;
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, the top ones, as lines. */
export function summarize(profile: CpuProfile): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${k}`);
}

const log = (line: string): void => console.error(line);

function fleetYaml(hosts: number, port: number): string {
  const lines = ['defaults:', '  interval: 1s', '  status:', `    - http: { url: "http://127.0.0.1:${port}/h/{name}", attempts: 1 }`, 'environments:'];
  // Two environments, tiers as a real fleet has them.
  const split = [
    ['staging', 'lb', 0.01],
    ['staging', 'app', 0.19],
    ['production', 'lb', 0.01],
    ['production', 'app', 0.64],
    ['production', 'db', 0.15],
  ] as const;
  let n = 0;
  let env = '';
  for (const [environment, role, share] of split) {
    if (environment !== env) lines.push(`  ${environment}:`, '    roles:');
    env = environment;
    const count = Math.max(1, Math.round(hosts * share));
    lines.push(`      ${role}:`);
    for (let i = 0; i < count && n < hosts; i++, n++) lines.push(`        - { name: ${environment.slice(0, 3)}-${role}-${i + 1}, address: 127.0.60.${1 + (n % 250)} }`);
  }
  return lines.join('\n') + '\n';
}

export async function runUi(o: UiOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-ui-'));
  const stops: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    // Each host's answer flips every second; half the fleet is red at any moment.
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      const name = req.url ?? '';
      let h = 0;
      for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
      const up = (Math.floor(Date.now() / 1000) + h) % 2 === 0;
      res.writeHead(up ? 200 : 500, { 'content-type': 'text/plain' }).end(up ? 'ok' : 'failing');
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const fleetFile = join(dir, 'fleet.yaml');
    writeFileSync(fleetFile, fleetYaml(o.hosts, port));

    const console_ = await startConsole({ repoRoot: o.repoRoot, fleetFile, dataDir: join(dir, 'data'), token: newToken() });
    stops.push(() => console_.stop());
    const url = console_.url;
    log(`console ${url.replace(/token=.*/, 'token=…')}, ${o.hosts} hosts, health server 127.0.0.1:${port}`);

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    stops.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const started = Date.now();
    await page.goto(url);
    await page.locator('[data-testid="host-tile"]').nth(o.hosts - 1).waitFor({ timeout: 120_000 });
    const mapReadyMs = Date.now() - started;
    const firstPaintMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
    log(`map up with ${o.hosts} tiles after ${mapReadyMs} ms; measuring ${o.seconds} s …`);
    await page.evaluate(() => performance.clearMeasures());
    const requestsBefore = requests;
    const cdp = o.profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await page.waitForTimeout(o.seconds * 1000);
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      log(`where the page's time went (self time over ${o.seconds} s):\n${summarize(profile).join('\n')}`);
    }
    const durations = await page.evaluate(() => performance.getEntriesByName('fleetdeck:status-batch').map((e) => e.duration));
    const frames = await page.evaluate(() => performance.getEntriesByName('fleetdeck:status-batch-frame').map((e) => e.duration));
    const changing = await page.locator('[data-testid="host-tile"][data-look~="CRITICAL"]').count();
    const polls = requests - requestsBefore;
    const r = (n: number): number => Math.round(n * 100) / 100;
    const result = {
      bench: 'ui',
      hosts: o.hosts,
      update_ms_p95: r(percentile(durations, 95)),
      first_paint_ms: Math.round(firstPaintMs),
      map_ready_ms: mapReadyMs,
      update_ms_p50: r(percentile(durations, 50)),
      update_ms_max: r(Math.max(...durations)),
      update_with_render_ms_p50: r(percentile(frames, 50)),
      update_with_render_ms_p95: r(percentile(frames, 95)),
      batches: durations.length,
      batches_per_s: r(durations.length / o.seconds),
      polls_per_s: r(polls / o.seconds),
      critical_at_end: changing,
      seconds: o.seconds,
      machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? '?', node: process.version, chromium: browser.version() },
    };
    log(`targets: update_ms_p95 ${result.update_ms_p95} ≤ 8 ${result.update_ms_p95 <= 8 ? 'met' : 'MISSED'}`);
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
