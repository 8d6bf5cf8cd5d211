import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { newToken } from '../electron/serve/auth';
import { fleetDown, fleetUp, privateNetUnavailable, setPrivateLink, type RunningFleet } from './fleet/fleet';
import { startConsole, type RunningConsole } from './startConsole';

// Hosts behind a bastion, as `npm run demo` shows them (root only: the test fleet's private network
// lives in network namespaces): bastion-1, and priv-1 and priv-2 that only SSH through it reaches.
// This spec starts its own small fleet (host-1 at 127.0.<octet>.101, clear of the shared fleet's)
// and console, so the other specs' fleet stays as they expect it: their tiles green, a shell with
// a double-click, a deploy whose health gates pass through the bastion, and a cut link that turns
// the hosts red naming the bastion and heals by itself.

const unavailable = privateNetUnavailable();
test.skip(unavailable !== null, `no private network on this machine: ${unavailable}`);
test.describe.configure({ mode: 'serial' });

const tile = (page: Page, host: string) => page.locator(`[data-testid="host-tile"][data-host="${host}"]`);
const PRIVATE = ['bastion-1', 'priv-1', 'priv-2'];

let dir = '';
let fleet: RunningFleet;
let serve: RunningConsole | null = null;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-e2e-private-'));
  const octet = Number(process.env.FLEETDECK_E2E_OCTET ?? 30);
  fleet = await fleetUp({ hosts: 1, dir, privateHosts: 2, firstIndex: (octet - 10) * 254 + 100, interval: '2s', sampleApp: true, haproxy: false });
  serve = await startConsole({ repoRoot: process.cwd(), fleetFile: fleet.fleetFile, dataDir: path.join(dir, 'data'), token: newToken() });
});

test.afterAll(async () => {
  serve?.stop();
  if (dir) {
    await fleetDown(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the hosts behind the bastion are green, and a double-click opens a shell on one', async ({ page }) => {
  await page.goto(serve!.url);
  for (const host of PRIVATE) await expect(tile(page, host)).toHaveAttribute('data-look', 'OK', { timeout: 30_000 });
  await tile(page, 'priv-2').dblclick();
  const pane = page.locator('[data-testid="terminal-pane"][data-host="priv-2"]');
  await expect(pane.locator('.xterm-rows')).toContainText('#', { timeout: 15_000 });
  await pane.locator('.xterm').click();
  await page.keyboard.type('echo "I am on $FLEETDECK_HOST at $FLEETDECK_ADDRESS"\n');
  await expect(pane.locator('.xterm-rows')).toContainText('I am on priv-2 at 198.18.0.2', { timeout: 15_000 });
});

test('a deploy to the hosts behind the bastion passes its health gates through it', async ({ page }) => {
  await page.goto(serve!.url);
  await page.getByTestId('nav-deploys').click();
  await page.getByTestId('app-select').selectOption('intranet');
  await expect(page.getByTestId('deploy-wave')).toHaveCount(2);
  await page.getByTestId('deploy-ref').fill('v2');
  await page.getByTestId('deploy-go').click();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  for (const host of ['priv-1', 'priv-2']) {
    await expect(page.locator(`[data-testid="deploy-host"][data-host="${host}"] [data-step="health"]`)).toHaveAttribute('data-state', 'ok');
  }
});

test("a cut link turns the hosts behind it red with a reason naming the bastion, and they come back by themselves", async ({ page }) => {
  await page.goto(serve!.url);
  await expect(tile(page, 'priv-1')).toHaveAttribute('data-look', 'OK', { timeout: 30_000 });
  setPrivateLink(dir, 'private', false);
  try {
    await expect(tile(page, 'priv-1')).toHaveAttribute('data-look', /CRITICAL/, { timeout: 30_000 });
    await tile(page, 'priv-1').hover();
    await expect(page.getByTestId('map-tooltip')).toContainText('through bastion-1');
    // The bastion itself is fine: only what lies behind it is cut off.
    await expect(tile(page, 'bastion-1')).toHaveAttribute('data-look', 'OK');
  } finally {
    setPrivateLink(dir, 'private', true);
  }
  for (const host of PRIVATE) await expect(tile(page, host)).toHaveAttribute('data-look', 'OK', { timeout: 60_000 });
});
