import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { bigFleetRoles, bigFleetYaml, startHealthServer } from './bench/uiFleet';
import { startConsole } from './startConsole';

// The map at 10,000 hosts, in a console of its own: a status-only fleet (an HTTP health URL per
// host on a local server, as the UI benchmark's) where every host whose number ends in 07 or 57
// fails. Shells on real hosts are proven by terminal.spec.ts; here the double-click on a tile of
// the big map must open a terminal tab for its host.

const HOSTS = 10_000;
const fails = (name: string): boolean => Number(name.split('-').pop()) % 50 === 7;
const roles = bigFleetRoles(HOSTS);
const appHosts = roles.find((r) => r.environment === 'production' && r.role === 'app')!.names;
const failing = roles.flatMap((r) => r.names).filter(fails);

const tier = (page: Page, env: string, role: string) => page.locator(`[data-testid="map-env"][data-env="${env}"] [data-testid="map-tier"][data-role="${role}"]`);
/** Tiles that take up room on the page, counted in the page (10,000 locators would be slow). */
const shownTiles = (page: Page, env: string, role: string): Promise<string[]> =>
  tier(page, env, role).evaluate((el) => [...el.querySelectorAll<HTMLElement>('[data-testid="host-tile"]')].filter((t) => t.checkVisibility()).map((t) => t.dataset.host!));
const chip = (page: Page, state: string) => page.getByTestId(`state-chip-${state}`).locator('.num');

test('10,000 hosts: problems first, the rest on demand, search and filters, keyboard and double-click on tiles', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-bigmap-'));
  const server = await startHealthServer((name) => !fails(name));
  const fleetFile = path.join(dir, 'fleet.yaml');
  fs.writeFileSync(fleetFile, bigFleetYaml({ hosts: HOSTS, port: server.port, interval: '5s' }));
  const own = await startConsole({ repoRoot: process.cwd(), fleetFile, dataDir: path.join(dir, 'data'), token: process.env.FLEETDECK_TOKEN! });
  try {
    await page.goto(own.url);
    // Every host polled: 200 failing, the rest OK.
    await expect(chip(page, 'CRITICAL')).toHaveText(String(failing.length), { timeout: 60_000 });
    await expect(chip(page, 'OK')).toHaveText(String(HOSTS - failing.length), { timeout: 30_000 });

    // A tier of 6,400: its problems are its tiles; its bar and the button say what is folded.
    const app = tier(page, 'production', 'app');
    const appFailing = appHosts.filter(fails);
    await expect(app).toHaveAttribute('data-folded', 'true');
    expect((await shownTiles(page, 'production', 'app')).sort()).toEqual([...appFailing].sort());
    await expect(app.getByTestId('tier-bar')).toHaveAttribute('aria-label', `${appFailing.length} critical, ${(appHosts.length - appFailing.length).toLocaleString('en')} ok`);
    const fold = app.getByTestId('tier-fold');
    await expect(fold).toHaveText(`Show ${(appHosts.length - appFailing.length).toLocaleString('en')} OK hosts`);
    await fold.click();
    await expect(app).toHaveAttribute('data-folded', 'false');
    expect(await shownTiles(page, 'production', 'app')).toHaveLength(appHosts.length);
    // Problems still first.
    const order = (host: string): Promise<number> => page.locator(`[data-testid="host-tile"][data-host="${host}"]`).evaluate((el) => Number(getComputedStyle(el).order));
    expect(await order(appFailing[0]!)).toBeLessThan(await order('pro-app-1'));
    await fold.click();
    await expect(fold).toHaveAttribute('aria-expanded', 'false');
    expect(await shownTiles(page, 'production', 'app')).toHaveLength(appFailing.length);

    // The OK chip shows the OK hosts of every tier; the CRITICAL chip only the problems.
    await page.getByTestId('state-chip-OK').click();
    await expect(app).toHaveAttribute('data-folded', 'false');
    expect(await shownTiles(page, 'production', 'app')).toHaveLength(appHosts.length - appFailing.length);
    await page.getByTestId('state-chip-CRITICAL').click();
    expect((await shownTiles(page, 'production', 'app')).sort()).toEqual([...appFailing].sort());
    await page.getByTestId('state-chip-CRITICAL').click();

    // The search finds one OK host among 10,000: a tier of one is not folded.
    await page.getByTestId('host-search').fill('pro-app-4321');
    await expect(page.getByTestId('host-tile')).toHaveCount(1);
    await expect(page.locator('[data-testid="host-tile"][data-host="pro-app-4321"]')).toHaveAttribute('data-look', 'OK');
    await expect(page.locator('[data-testid="host-tile"][data-host="pro-app-4321"]')).toBeVisible();
    await page.getByTestId('host-search').fill('');

    // The list: a role of 6,400 shows its first 100 rows and a button for the rest; the search
    // finds the one host there too.
    await page.getByTestId('layout-list').click();
    const appRows = page.locator('[data-testid="env-section"][data-env="production"] tbody[data-role="app"] [data-testid="host-row"]');
    await expect(appRows).toHaveCount(100);
    await expect(page.locator('[data-testid="env-section"][data-env="production"] tbody[data-role="app"]').getByTestId('role-show-all')).toHaveText('Show all 6,400 hosts of app');
    await page.getByTestId('host-search').fill('pro-app-4321');
    await expect(page.getByTestId('host-row')).toHaveCount(1);
    await page.getByTestId('host-search').fill('');
    await page.getByTestId('layout-map').click();

    // From the keyboard: Tab from the last chip reaches the first problem of the first tier
    // (staging's lb, folded), not one of its 98 hidden OK tiles; Enter opens its page.
    await page.getByTestId('state-chip-OK').focus();
    await page.keyboard.press('Tab');
    await expect(page.locator('[data-testid="host-tile"]:focus')).toHaveAttribute('data-host', 'sta-lb-7');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('host-view')).toHaveAttribute('data-host', 'sta-lb-7');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('cluster-map')).toBeVisible();

    // A double-click on a tile opens a shell on its host (a terminal tab; no sshd answers there).
    await page.locator(`[data-testid="host-tile"][data-host="${appFailing[1]}"]`).dblclick();
    await expect(page.locator(`[data-testid="terminal-tab"][data-host="${appFailing[1]}"]`)).toBeVisible();
  } finally {
    own.stop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
