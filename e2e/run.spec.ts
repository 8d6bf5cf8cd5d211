import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { hostPaths } from './fleet/layout';

// Commands and log tails on many hosts of the real test fleet, from the Run view in Chromium.

const url = (): string => process.env.FLEETDECK_URL!;
const fleetDir = (): string => path.dirname(process.env.FLEETDECK_FLEET_FILE!);

test('df -h on a role, with a confirmation for production hosts', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('nav-run').click();
  const panel = page.getByRole('region', { name: 'Run a command' });
  await panel.getByTestId('pick-role').selectOption('app');
  await expect(panel.getByTestId('picked-count')).toHaveText('2 hosts');
  await page.getByTestId('run-command').fill('df -h / && echo "on $FLEETDECK_HOST"');
  await page.getByTestId('run-go').click();
  // host-3 is in production: the first click only asks.
  await expect(page.getByTestId('run-go')).toContainText('production hosts — confirm');
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  await page.getByTestId('run-go').click();
  for (const host of ['host-1', 'host-3']) {
    const row = page.locator(`[data-testid="run-row"][data-host="${host}"]`);
    await expect(row).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
    await expect(row).toContainText(`on ${host}`);
    await expect(row).toContainText('Filesystem');
  }
});

test('from the keyboard: Ctrl+4, the command, Enter, and Enter again to confirm production', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  await page.keyboard.press('Control+4');
  await page.keyboard.type('echo "keyed on $FLEETDECK_HOST"');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-go')).toContainText('production hosts — confirm');
  // A changed command asks again.
  await page.keyboard.type(' ');
  await expect(page.getByTestId('run-go')).toHaveText('Run on 3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-go')).toContainText('production hosts — confirm');
  await page.keyboard.press('Enter');
  for (const host of ['host-1', 'host-2', 'host-3']) await expect(page.locator(`[data-testid="run-row"][data-host="${host}"]`)).toContainText(`keyed on ${host}`, { timeout: 15_000 });
});

test('a failing command is marked and can be run again on the failed hosts only', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('nav-run').click();
  await page.getByTestId('run-command').fill('test "$FLEETDECK_HOST" != host-2');
  await page.getByTestId('run-go').click();
  await page.getByTestId('run-go').click(); // production confirmation
  await expect(page.locator('[data-testid="run-row"][data-host="host-2"]')).toHaveAttribute('data-state', 'failed', { timeout: 15_000 });
  await expect(page.locator('[data-testid="run-row"][data-host="host-1"]')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('run-failed-again').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.locator('[data-testid="run-row"][data-host="host-2"]')).toHaveAttribute('data-state', 'failed', { timeout: 15_000 });
});

test('tail a log on every host, merged with host prefixes', async ({ page }) => {
  const files = ['host-1', 'host-2', 'host-3'].map((h) => path.join(hostPaths(fleetDir(), h).home, 'e2e.log'));
  files.forEach((f) => fs.writeFileSync(f, 'started\n'));
  await page.goto(url());
  await page.getByTestId('nav-run').click();
  await page.getByTestId('run-tab-logs').click();
  await page.getByTestId('tail-path').fill('~/e2e.log');
  await page.getByTestId('tail-go').click();
  const lines = page.getByTestId('log-lines');
  await expect(lines.locator('.log-line')).toHaveCount(3, { timeout: 15_000 });
  files.forEach((f, i) => fs.appendFileSync(f, `request ${i + 1} served\n`));
  for (const i of [1, 2, 3]) await expect(lines.locator(`.log-line[data-host="host-${i}"]`).last()).toContainText(`request ${i} served`);
  await page.getByTestId('tail-pause').click();
  fs.appendFileSync(files[0]!, 'while paused\n');
  await expect(page.getByTestId('tail-pause')).toContainText('Resume (1 new)', { timeout: 10_000 });
  await expect(lines).not.toContainText('while paused');
  await page.getByTestId('tail-pause').click();
  await expect(lines).toContainText('while paused');
});
