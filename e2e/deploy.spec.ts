import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { SAMPLE_APP_PORT } from './fleet/sampleApp';

// Deploys of the sample app from the Deploys view to the real test fleet's app hosts (host-1 in
// staging, host-3 in production): the plan, the production confirmation, a good release, and a
// broken one rolled back by its failed health gate.

const url = (): string => process.env.FLEETDECK_URL!;
const app = async (address: string): Promise<string> => (await fetch(`http://${address}:${SAMPLE_APP_PORT}/`, { signal: AbortSignal.timeout(3000) })).text();
const address = (n: number): string => `127.0.${Number(process.env.FLEETDECK_E2E_OCTET ?? 30)}.${n}`;

test('deploy v2 in waves after confirming production, then v3-broken is rolled back', async ({ page }, testInfo) => {
  expect(path.basename(process.env.FLEETDECK_FLEET_FILE!)).toBe('fleet.yaml');
  await page.goto(url());
  await page.getByTestId('nav-deploys').click();
  await expect(page.getByTestId('deploy-wave')).toHaveCount(2);
  await expect(page.getByTestId('deploy-wave').first()).toContainText('host-1');
  await expect(page.getByTestId('deploy-wave').last()).toContainText('host-3');

  await page.getByTestId('deploy-ref').fill('v2');
  await expect(page.getByTestId('deploy-go')).toBeDisabled();
  await page.getByTestId('deploy-confirm').fill('production');
  await page.getByTestId('deploy-go').click();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  await expect(page.locator('[data-testid="deploy-host"][data-host="host-3"] [data-step="health"]')).toHaveAttribute('data-state', 'ok');
  expect(await app(address(1))).toContain('sample app v2');
  expect(await app(address(3))).toContain('sample app v2');

  await page.waitForTimeout(1100); // a new release id
  await page.getByTestId('deploy-ref').fill('v3-broken');
  await page.getByTestId('deploy-go').click();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'rolled back', { timeout: 60_000 });
  await expect(page.getByTestId('deploy-done')).toContainText('health of host-1 failed');
  await expect(page.locator('[data-testid="deploy-host"][data-host="host-1"] [data-step="health"]')).toHaveAttribute('data-state', 'failed');
  expect(await app(address(1))).toContain('sample app v2');
  expect(await app(address(3))).toContain('sample app v2');
  const shot = await page.screenshot();
  for (const dir of process.env.UPDATE_SCREENSHOTS ? [testInfo.outputPath(), path.join('e2e', 'screenshots')] : [testInfo.outputPath()]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'deploy-light.png'), shot);
  }
});

test('the release history from the hosts, and a rollback to an earlier release after a confirmation', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('nav-deploys').click();
  await page.getByTestId('deploy-ref').fill('v4');
  await page.getByTestId('deploy-confirm').fill('production');
  await page.getByTestId('deploy-go').click();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  expect(await app(address(3))).toContain('sample app v4');

  await page.getByTestId('nav-releases').click();
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  const rows = page.getByTestId('release-row');
  // v4 (current), v3-broken (prepared, never current), v2.
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('host-1, host-3');
  await expect(rows.first()).toContainText('v4');
  const v2 = rows.last();
  await expect(v2).toContainText('v2');
  await v2.getByTestId('rollback').click();
  await expect(v2).toContainText('host-1:');
  await v2.getByTestId('rollback-confirm').click();
  await expect(page.getByTestId('rollback-outcome')).toContainText('succeeded', { timeout: 60_000 });
  expect(await app(address(1))).toContain('sample app v2');
  expect(await app(address(3))).toContain('sample app v2');
  await expect(page.getByTestId('release-row').last()).toContainText('host-1, host-3');
  // The console's own record: every deploy and rollback of this run, newest first.
  await expect(page.getByTestId('deploy-record').first()).toHaveAttribute('data-outcome', 'succeeded');
  await expect(page.getByTestId('deploy-record').first()).toContainText('rollback');
  await expect(page.locator('[data-testid="deploy-record"][data-outcome="rolled back"]')).toHaveCount(1);
});
