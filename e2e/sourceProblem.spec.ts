import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startConsole } from './startConsole';

// A Prometheus that does not answer, as the operator sees it: a console of its own on a copy of
// the e2e fleet file whose defaults add a prometheus source at a loopback port where nothing
// listens (.250 of the e2e fleet's range). The shared fleet file is not touched.

test('a Prometheus that does not answer is one banner naming it, and no tile turns red for it', async ({ page }) => {
  const fleetFile = process.env.FLEETDECK_FLEET_FILE!;
  const octet = Number(process.env.FLEETDECK_E2E_OCTET ?? 30);
  const prometheusUrl = `http://127.0.${octet}.250:9090`;
  const withPrometheus = path.join(path.dirname(fleetFile), 'fleet-prometheus.yaml');
  const good = fs.readFileSync(fleetFile, 'utf8');
  expect(good).toContain('\n  status:\n');
  fs.writeFileSync(withPrometheus, good.replace('\n  status:\n', `\n  status:\n    - { prometheus: { url: "${prometheusUrl}" } }\n`));
  const dataDir = fs.mkdtempSync(path.join(path.dirname(fleetFile), 'data-prometheus-'));
  const own = await startConsole({ repoRoot: process.cwd(), fleetFile: withPrometheus, dataDir, token: process.env.FLEETDECK_TOKEN! });
  try {
    await page.goto(own.url);
    const banner = page.getByTestId('source-problem');
    await expect(banner).toHaveCount(1, { timeout: 30_000 });
    await expect(banner).toContainText(`Prometheus at ${prometheusUrl}`);
    await expect(banner).toContainText(/refused the connection/);
    // The hosts it serves answer through their own Monit and node_exporter: all three are OK,
    // none red with the Prometheus's reason.
    await expect(page.locator('[data-testid="host-tile"][data-look="OK"]')).toHaveCount(3, { timeout: 30_000 });
    await expect(page.locator('[data-testid="host-tile"][data-look="CRITICAL"]')).toHaveCount(0);
    await expect(banner).toHaveCount(1);
    // Their graphs come from that Prometheus: each says why it has nothing to draw.
    await page.locator('[data-testid="host-tile"][data-host="host-1"]').click();
    await expect(page.locator('[data-testid="metric-chart"][data-metric="CPU"]')).toContainText(`Prometheus at ${prometheusUrl}: `, { timeout: 30_000 });
    await expect(page.locator('[data-testid="metric-chart"][data-metric="CPU"]')).toContainText('refused');
  } finally {
    own.stop();
  }
});
