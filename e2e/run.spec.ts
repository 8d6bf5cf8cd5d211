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
  // host-3 is in production: the button says how many hosts, and waits for the name typed.
  await expect(page.getByTestId('run-go')).toHaveText('Run on 2 hosts (1 in production)');
  await expect(page.getByTestId('run-go')).toBeDisabled();
  await page.getByTestId('run-confirm').fill('production');
  await page.getByTestId('run-go').click();
  for (const host of ['host-1', 'host-3']) {
    const row = page.locator(`[data-testid="run-row"][data-host="${host}"]`);
    await expect(row).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
    await expect(row).toContainText(`on ${host}`);
    await expect(row).toContainText('Filesystem');
  }
});

test('from the keyboard: Ctrl+4, the command, Enter goes to the confirmation, which needs the name typed', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  await page.keyboard.press('Control+4');
  await page.keyboard.type('echo "keyed on $FLEETDECK_HOST"');
  await expect(page.getByTestId('run-go')).toHaveText('Run on 3 hosts (2 in production)');
  // Enter twice does not run on production: it moves to the confirmation and waits there.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-confirm')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  await page.keyboard.type('production');
  // A changed command asks again.
  await page.getByTestId('run-command').press('End');
  await page.getByTestId('run-command').press('Space');
  await expect(page.getByTestId('run-confirm')).toHaveValue('');
  await expect(page.getByTestId('run-go')).toBeDisabled();
  await page.getByTestId('run-command').press('Enter');
  await page.keyboard.type('production');
  await page.keyboard.press('Enter');
  for (const host of ['host-1', 'host-2', 'host-3']) await expect(page.locator(`[data-testid="run-row"][data-host="${host}"]`)).toContainText(`keyed on ${host}`, { timeout: 15_000 });
  await expect(page.getByTestId('run-shown-command')).toContainText('echo "keyed on $FLEETDECK_HOST" ');
});

test('a hand-picked list of hosts, a search that matches none, stderr apart from stdout', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('nav-run').click();
  const panel = page.getByRole('region', { name: 'Run a command' });
  await panel.getByTestId('pick-names').fill('host-1, host-2');
  await expect(panel.getByTestId('picked-count')).toHaveText('2 hosts');
  await panel.getByTestId('pick-names').fill('host-9');
  await expect(panel.getByTestId('picked-count')).toHaveText('No host matches “host-9”');
  await panel.getByTestId('pick-names').fill('host-1 host-2');
  await page.getByTestId('run-command').fill('echo "out on $FLEETDECK_HOST"; echo "err on $FLEETDECK_HOST" >&2');
  await expect(page.getByTestId('run-go')).toHaveText('Run on 2 hosts (1 in production)');
  await page.getByTestId('run-command').press('Enter');
  await page.keyboard.type('production');
  await page.keyboard.press('Enter');
  const row = page.locator('[data-testid="run-row"][data-host="host-2"]');
  await expect(row).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(row.getByTestId('run-stderr')).toHaveText('err on host-2\n');
  const color = (locator: ReturnType<typeof row.locator>) => locator.evaluate((el) => getComputedStyle(el).color);
  expect(await color(row.getByTestId('run-stderr'))).not.toBe(await color(row.locator('.run-output')));
  await expect(page.getByTestId('run-shown-command')).toContainText('Ran on 2 hosts:');
  await page.screenshot({ path: '/tmp/nm-run.png' });
});

test('a failing command is marked and can be run again on the failed hosts only', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('nav-run').click();
  await page.getByTestId('run-command').fill('test "$FLEETDECK_HOST" != host-2');
  await page.getByTestId('run-confirm').fill('production');
  await page.getByTestId('run-go').click();
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

test('the Logs tab starts on a file a Debian host has, and following it works as it comes', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('nav-run').click();
  await page.getByTestId('run-tab-logs').click();
  await expect(page.getByTestId('tail-path')).toHaveValue('/var/log/dpkg.log');
  await page.getByTestId('tail-go').click();
  for (const host of ['host-1', 'host-2', 'host-3']) await expect(page.locator(`[data-testid="log-lines"] .log-line[data-host="${host}"]`).first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('tail-ended')).toHaveCount(0);
});
