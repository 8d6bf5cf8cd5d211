import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eFleetOptions } from './e2eFleet';
import { fleetUp, stopDaemon } from './fleet/fleet';

// The fleet overview against the real test fleet: Monit, node_exporter and HAProxy polled by the
// console every 2 s. A host's Monit is stopped and started again; the map, the tooltip, the events
// view and the host page follow.

const url = (): string => process.env.FLEETDECK_URL!;
const fleetDir = (): string => path.dirname(process.env.FLEETDECK_FLEET_FILE!);
const tile = (page: Page, host: string) => page.locator(`[data-testid="host-tile"][data-host="${host}"]`);

/** Records the titles of the desktop notifications the page shows (the real Notification API). */
async function recordNotifications(page: Page): Promise<void> {
  await page.context().grantPermissions(['notifications'], { origin: new URL(url()).origin });
  await page.addInitScript(() => {
    const Real = window.Notification;
    const titles: string[] = [];
    (window as unknown as { notified: string[] }).notified = titles;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        titles.push(title);
      }
    } as typeof Notification;
  });
}
const notified = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { notified: string[] }).notified);

test('the map shows every host OK, then a stopped Monit as CRITICAL with its reason, and the recovery', async ({ page }) => {
  await recordNotifications(page);
  await page.goto(url());
  await expect(page.getByTestId('notifications-on')).toBeVisible();
  for (const host of ['host-1', 'host-2', 'host-3']) await expect(tile(page, host)).toHaveAttribute('data-look', 'OK', { timeout: 30_000 });
  await expect(page.getByTestId('state-chip-OK')).toContainText('3');

  await stopDaemon(fleetDir(), 'host-3', 'monit');
  try {
    // Soft first (outlined, "CRITICAL soft"), then hard after 3 attempts.
    await expect(tile(page, 'host-3')).toHaveAttribute('data-look', 'CRITICAL', { timeout: 20_000 });
    await tile(page, 'host-3').hover();
    await expect(page.getByTestId('map-tooltip')).toContainText('refused the connection');
    // Problems first (CSS order follows the look), and the chips count them.
    const order = (host: string): Promise<number> => tile(page, host).evaluate((el) => Number(getComputedStyle(el).order));
    expect(await order('host-3')).toBeLessThan(await order('host-1'));
    await expect(page.getByTestId('state-chip-CRITICAL')).toContainText('1');
    await page.getByTestId('state-chip-CRITICAL').click();
    await expect(page.locator('[data-testid="host-tile"]:visible')).toHaveCount(1);
    await expect(tile(page, 'host-3')).toBeVisible();
    await page.getByTestId('state-chip-CRITICAL').click();

    await page.getByTestId('nav-events').click();
    const event = page.locator('[data-testid="event-row"][data-host="host-3"][data-to="CRITICAL"][data-hard="true"]');
    await expect(event.first()).toContainText('Monit');
    await expect.poll(() => notified(page), { timeout: 10_000 }).toContain('host-3: CRITICAL');
  } finally {
    await fleetUp(e2eFleetOptions(fleetDir()));
  }
  await page.getByTestId('nav-fleet').click();
  await expect(tile(page, 'host-3')).toHaveAttribute('data-look', 'OK', { timeout: 60_000 });
  await page.getByTestId('nav-events').click();
  await expect(page.locator('[data-testid="event-row"][data-host="host-3"][data-to="OK"]').first()).toContainText('recovered');
  await expect.poll(() => notified(page), { timeout: 10_000 }).toContain('host-3 recovered');
  // A soft problem confirmed as hard reads so, not "CRITICAL → CRITICAL hard".
  const events = page.getByTestId('events-view');
  await expect(events.locator('[data-testid="event-row"][data-host="host-3"]', { hasText: 'CRITICAL: soft → hard' }).first()).toBeVisible();
  await expect(events).not.toContainText('CRITICAL → CRITICAL');
  // The host page lists its state changes as a table: time, check, change, reason.
  await page.getByTestId('nav-fleet').click();
  await tile(page, 'host-3').click();
  const timeline = page.getByTestId('host-timeline');
  await expect(timeline.locator('thead th')).toHaveText(['Time', 'Check', 'Change', 'Reason']);
  const confirmed = timeline.getByTestId('timeline-event').filter({ hasText: 'soft → hard' }).filter({ hasText: 'Monit' }).first();
  await expect(confirmed.locator('td')).toHaveCount(4);
  await expect(confirmed.locator('td').nth(1)).toHaveText('Monit');
  await expect(confirmed.locator('td').nth(3)).toContainText('refused the connection');
  await timeline.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/nm-host-timeline.png' });
});

test('opening the page notifies nothing about problems of the past, only about changes while it is open', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const hardEvent = (p: Page, host: string, to: string) => p.locator(`[data-testid="event-row"][data-host="${host}"][data-to="${to}"]`).first();
  // An old problem: host-1's Monit goes down (hard) and comes back, before the page below opens.
  await page.goto(url());
  await expect(tile(page, 'host-1')).toHaveAttribute('data-look', 'OK', { timeout: 30_000 });
  await stopDaemon(fleetDir(), 'host-1', 'monit');
  try {
    await page.getByTestId('nav-events').click();
    await expect(page.locator('[data-testid="event-row"][data-host="host-1"][data-to="CRITICAL"][data-hard="true"]').first()).toBeVisible({ timeout: 30_000 });
  } finally {
    await fleetUp(e2eFleetOptions(fleetDir()));
  }
  await expect(hardEvent(page, 'host-1', 'OK')).toBeVisible({ timeout: 60_000 });

  const fresh = await browser.newPage();
  try {
    await recordNotifications(fresh);
    await fresh.goto(url());
    await fresh.getByTestId('nav-events').click();
    // The history with host-1's problem has loaded into the page.
    await expect(hardEvent(fresh, 'host-1', 'CRITICAL')).toBeVisible();
    // A change while the page is open notifies; it must be the first and only notification, since
    // host-2 needs several polls to go hard while the old events would have notified right away.
    await stopDaemon(fleetDir(), 'host-2', 'monit');
    try {
      await expect.poll(() => notified(fresh), { timeout: 30_000 }).toContain('host-2: CRITICAL');
      expect(await notified(fresh)).toEqual(['host-2: CRITICAL']);
    } finally {
      await fleetUp(e2eFleetOptions(fleetDir()));
    }
    await expect(hardEvent(fresh, 'host-2', 'OK')).toBeVisible({ timeout: 60_000 });
  } finally {
    await fresh.close();
  }
});

test('the host page shows checks, graphs of real history and the state changes', async ({ page }) => {
  await page.goto(url());
  await expect(tile(page, 'host-2')).toHaveAttribute('data-look', 'OK', { timeout: 30_000 });
  await tile(page, 'host-2').click();
  const view = page.getByTestId('host-view');
  await expect(view).toHaveAttribute('data-host', 'host-2');
  await expect(page.getByTestId('host-state')).toHaveText('OK');
  // Monit, node_exporter and HAProxy checks, each with its reason.
  await expect(page.locator('[data-testid="check-row"][data-check="monit:endpoint"]')).toContainText('answered with');
  await expect(page.locator('[data-testid="check-row"][data-check="node_exporter:memory"]')).toContainText('% used');
  await expect(page.locator('[data-testid="check-row"][data-check="haproxy:app/host-3"]')).toContainText('UP');
  // One backend: "1 server", not "1 servers".
  await expect(page.locator('[data-testid="check-row"][data-check="haproxy:endpoint"] .check-reason')).toHaveText('answered with 1 server');
  // Deploys are reached from their own views; no button that is always disabled.
  await expect(view.getByRole('button', { name: 'Releases on this host' })).toHaveCount(0);
  // Graphs with points from the history database (CPU needs two scrapes).
  const cpu = page.locator('[data-testid="metric-chart"][data-metric="CPU"]');
  await expect(cpu).not.toHaveAttribute('data-points', '0', { timeout: 20_000 });
  await expect(cpu.locator('svg.recharts-surface')).toBeVisible();
  await expect(page.locator('[data-testid="metric-chart"][data-metric="Memory"] svg.recharts-surface')).toBeVisible();
  // Bands of min–max only where there is one series: the network's four made a grey wash.
  await expect(cpu.locator('.recharts-area')).toHaveCount(1);
  const network = page.locator('[data-testid="metric-chart"][data-metric="Network"]');
  await expect(network).not.toHaveAttribute('data-points', '0', { timeout: 20_000 });
  await expect(network.locator('.recharts-line').nth(1)).toBeAttached(); // rx and tx of lo at least
  await expect(network.locator('.recharts-area')).toHaveCount(0);
  await network.scrollIntoViewIfNeeded();
  await network.screenshot({ path: '/tmp/nm-network.png' });
  for (const range of ['6h', '24h', '7d', '30d']) {
    await page.getByTestId(`range-${range}`).click();
    await expect(page.getByTestId(`range-${range}`)).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(page.locator('[data-testid="metric-chart"][data-metric="Load"] svg.recharts-surface')).toBeVisible({ timeout: 15_000 });
  // The 24 h graph spans 24 hours however little history there is, with whole-hour labels that
  // all lie inside the chart.
  await page.getByTestId('range-24h').click();
  await expect(cpu).toHaveAttribute('data-span-ms', String(24 * 3600_000));
  const labels = cpu.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await expect(labels.first()).toHaveText(/^\d\d:00$/);
  expect(await labels.count()).toBeGreaterThanOrEqual(3);
  const chartBox = (await cpu.locator('svg.recharts-surface').boundingBox())!;
  for (const label of await labels.all()) {
    const box = (await label.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(chartBox.x);
    expect(box.x + box.width).toBeLessThanOrEqual(chartBox.x + chartBox.width);
  }
  await page.getByTestId('host-back').click();
  await expect(page.getByTestId('cluster-map')).toBeVisible();
  // From the keyboard: Enter on a focused tile opens the page, Escape goes back.
  await tile(page, 'host-2').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('host-view')).toHaveAttribute('data-host', 'host-2');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('host-view')).toHaveCount(0);
  await expect(page.getByTestId('cluster-map')).toBeVisible();
});

test("a host that stops answering keeps its graphs: they come from the history, not from the last answer", async ({ page }) => {
  await page.goto(url());
  await expect(tile(page, 'host-3')).toHaveAttribute('data-look', 'OK', { timeout: 30_000 });
  await tile(page, 'host-3').click();
  const disk = page.locator('[data-testid="metric-chart"][data-metric="Disk"]');
  const network = page.locator('[data-testid="metric-chart"][data-metric="Network"]');
  await expect(network).not.toHaveAttribute('data-points', '0', { timeout: 20_000 });
  await expect(disk).not.toHaveAttribute('data-points', '0');
  await stopDaemon(fleetDir(), 'host-3', 'monit');
  await stopDaemon(fleetDir(), 'host-3', 'node_exporter');
  try {
    await expect(page.locator('[data-testid="check-row"][data-check="node_exporter:scrape"]')).toContainText('refused the connection', { timeout: 20_000 });
    await expect(page.locator('[data-testid="check-row"][data-check="monit:endpoint"]')).toContainText('refused the connection');
    // No source answers, so the host has no latest samples; its disks and network are still drawn.
    await expect(disk.locator('svg.recharts-surface')).toBeVisible();
    await expect(network.locator('svg.recharts-surface')).toBeVisible();
    await expect(disk).not.toHaveAttribute('data-points', '0');
  } finally {
    await fleetUp(e2eFleetOptions(fleetDir()));
  }
  await expect(page.getByTestId('host-state')).toHaveText('OK', { timeout: 60_000 });
});

test('screenshots of the map and a host page @screenshot', async ({ page }, testInfo) => {
  const targets = process.env.UPDATE_SCREENSHOTS ? [testInfo.outputPath(), path.join('e2e', 'screenshots')] : [testInfo.outputPath()];
  await page.goto(url());
  await expect(page.locator('[data-testid="host-tile"][data-look="OK"]')).toHaveCount(3, { timeout: 30_000 });
  await tile(page, 'host-1').click();
  // A few buckets of history, so the graphs show lines rather than dots.
  await expect(page.locator('[data-testid="metric-chart"][data-metric="CPU"]')).toHaveAttribute('data-points', /^([4-9]|\d\d+)$/, { timeout: 60_000 });
  await expect(page.locator('[data-testid="metric-chart"][data-metric="Network"] svg.recharts-surface')).toBeVisible({ timeout: 20_000 });
  const shot = await page.screenshot({ fullPage: true });
  for (const dir of targets) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'host-light.png'), shot);
  }
});
