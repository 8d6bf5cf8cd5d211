import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { parse } from 'yaml';

// The console in Chromium, in browser mode, on the real test fleet started by global-setup.ts.

const url = (): string => process.env.FLEETDECK_URL!;
const origin = (): string => new URL(url()).origin;
const fleetFile = (): string => process.env.FLEETDECK_FLEET_FILE!;

/** The host names the fleet file names, read independently of the console's own parser. */
function hostNamesInFile(): string[] {
  const doc = parse(fs.readFileSync(fleetFile(), 'utf8')) as { environments: Record<string, { roles: Record<string, { name: string }[]> }> };
  return Object.values(doc.environments).flatMap((env) => Object.values(env.roles).flatMap((hosts) => hosts.map((h) => h.name)));
}

/** Tries a WebSocket upgrade and gives the HTTP status it got (101 when it was accepted). */
function upgradeStatus(wsUrl: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

test('the page without the token answers 401', async ({ request }) => {
  const res = await request.get(origin() + '/');
  expect(res.status()).toBe(401);
  expect(await res.text()).toContain('token');
});

test('the transport needs the token and this console’s Origin', async ({ request }) => {
  const token = process.env.FLEETDECK_TOKEN!;
  const ws = `${origin().replace('http', 'ws')}/ws`;
  expect(await upgradeStatus(`${ws}`, { Origin: origin() })).toBe(401);
  expect(await upgradeStatus(`${ws}?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
  // With the token and the Origin, a WebSocket still needs the down stream it pairs with.
  expect(await upgradeStatus(`${ws}?token=${token}`, { Origin: origin() })).toBe(409);
  expect((await request.get(`${origin()}/down`)).status()).toBe(401);
  expect((await request.get(`${origin()}/down?token=${token}`, { headers: { Origin: 'http://evil.example' } })).status()).toBe(403);
});

test('the console shows the fleet of the loaded file', async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('status-connection')).toContainText('Connected');
  await expect(page.getByTestId('status-fleet-file')).toContainText(path.basename(fleetFile()));
  const names = hostNamesInFile();
  expect(names.length).toBe(3);
  // The map first: one tile per host, environments as sections.
  await expect(page.getByTestId('host-tile')).toHaveCount(names.length);
  for (const name of names) await expect(page.locator(`[data-testid="host-tile"][data-host="${name}"]`)).toBeVisible();
  await expect(page.locator('[data-testid="map-env"][data-env="staging"]')).toBeVisible();
  await expect(page.locator('[data-testid="map-env"][data-env="production"]')).toBeVisible();
  // The list: one row per host.
  await page.getByTestId('layout-list').click();
  await expect(page.getByTestId('host-row')).toHaveCount(names.length);
  for (const name of names) await expect(page.locator(`[data-testid="host-row"][data-host="${name}"]`)).toBeVisible();
  await expect(page.locator('[data-testid="env-section"][data-env="production"]')).toBeVisible();
  // Each row says how the host is, and its name and "shell" stand apart.
  for (const name of names) await expect(page.locator(`[data-testid="host-row"][data-host="${name}"] [data-testid="host-health"]`)).toHaveAttribute('data-state', 'OK', { timeout: 30_000 });
  const first = page.locator(`[data-testid="host-row"][data-host="${names[0]}"]`);
  await expect(first.locator('.host-name')).toHaveText(`${names[0]} shell`);
  const nameBox = (await first.locator('.host-name .name').boundingBox())!;
  const shellBox = (await first.getByTestId('host-shell').boundingBox())!;
  expect(shellBox.x - (nameBox.x + nameBox.width)).toBeGreaterThanOrEqual(6);
  await page.screenshot({ path: '/tmp/nm-list.png' });

  // The other views say what they are for instead of showing nothing.
  for (const view of ['events', 'terminals', 'deploys', 'releases']) {
    await page.getByTestId(`nav-${view}`).click();
    await expect(page.getByRole('main')).not.toBeEmpty();
  }
  await page.getByTestId('nav-fleet').click();
  await page.getByTestId('host-search').fill(names[0]!);
  await expect(page.getByTestId('host-row')).toHaveCount(1);
  await page.getByTestId('layout-map').click();
  await expect(page.getByTestId('host-tile')).toHaveCount(1);
  // From the keyboard: "/" to search, Enter opens the host it found.
  await page.getByTestId('host-search').fill('');
  await page.locator('body').click();
  await page.keyboard.press('/');
  await page.keyboard.type(names[1]!);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('host-view')).toHaveAttribute('data-host', names[1]!);
});

test('every view opens straight from its address, before the fleet has arrived, without an error', async ({ page }) => {
  // A view is drawn at once from the URL's hash, before the core has sent the fleet: the Deploys
  // view once made React re-render without end there (a selector that returned a new [] each time).
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const view of ['fleet', 'events', 'terminals', 'run', 'deploys', 'releases']) {
    // A page load each time, not a change of hash within the loaded page.
    await page.goto('about:blank');
    await page.goto(`${url()}#/${view}`);
    await expect(page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('main')).not.toBeEmpty();
  }
  await page.goto('about:blank');
  await page.goto(`${url()}#/deploys`);
  await expect(page.getByTestId('deploy-ref')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a broken fleet file is shown with its line, and the last good fleet stays', async ({ page }) => {
  const good = fs.readFileSync(fleetFile(), 'utf8');
  await page.goto(url());
  await expect(page.getByTestId('host-tile')).toHaveCount(3);
  try {
    fs.writeFileSync(fleetFile(), good.replace('environments:', 'environments:\n  broken: [unclosed'));
    const banner = page.getByTestId('fleet-problem');
    await expect(banner).toBeVisible({ timeout: 10_000 });
    await expect(banner).toContainText(/line \d+/);
    await expect(page.getByTestId('host-tile')).toHaveCount(3);
    // A misspelt key: where it is, and the key it probably meant.
    fs.writeFileSync(fleetFile(), good.replace(/^defaults:\n/m, 'defaults:\n  intervall: 5s\n'));
    await expect(banner).toContainText('unknown key "intervall" (did you mean "interval"?)', { timeout: 10_000 });
    await expect(banner).toContainText(/line 4, column 3/);
    // On every view, not only the fleet's, with the file and that the last good version is shown.
    for (const view of ['events', 'terminals', 'run', 'deploys', 'releases']) {
      await page.getByTestId(`nav-${view}`).click();
      await expect(banner).toBeVisible();
      await expect(banner).toContainText('showing the last good version');
      await expect(banner).toContainText(fleetFile());
    }
    await page.screenshot({ path: '/tmp/nm-fleet-problem.png' });
  } finally {
    fs.writeFileSync(fleetFile(), good);
  }
  await expect(page.getByTestId('fleet-problem')).toBeHidden({ timeout: 10_000 });
});

test('screenshots of the console @screenshot', async ({ page }, testInfo) => {
  const targets = process.env.UPDATE_SCREENSHOTS ? [testInfo.outputPath(), path.join('e2e', 'screenshots')] : [testInfo.outputPath()];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(url());
    // Every host polled: the picture shows the map as an operator sees it.
    await expect(page.locator('[data-testid="host-tile"][data-look="OK"]')).toHaveCount(3, { timeout: 30_000 });
    const shot = await page.screenshot();
    for (const dir of targets) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `fleet-${scheme}.png`), shot);
    }
  }
});
