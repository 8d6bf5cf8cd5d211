import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { hostPaths } from './fleet/layout';
import { SAMPLE_APP_PORT } from './fleet/sampleApp';
import { startConsole, type RunningConsole } from './startConsole';

// Deploys of the sample app from the Deploys view to the real test fleet's app hosts (host-1 in
// staging, host-3 in production): the plan, the production confirmation, a good release, and a
// broken one rolled back by its failed health gate; Releases, rollbacks, a killed console's deploy
// resumed, stages, and taking over stale and live locks.

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
  await expect(v2.getByTestId('release-origin')).toHaveText(/^v2 [0-9a-f]{7}$/);
  // v3-broken failed its health gate and never got a revisions.log line: its record still names it.
  await expect(rows.nth(1).getByTestId('release-origin')).toHaveText(/^v3-broken [0-9a-f]{7}$/);
  await expect(page.getByTestId('deploy-history').locator('th')).toContainText(['Started', 'What', 'Release', 'Made from']);
  await v2.getByTestId('rollback').click();
  // The core's plan: each host, its wave, from which release to which (with ref and revision).
  const plan = page.getByTestId('rollback-plan');
  await expect(plan.getByTestId('plan-host')).toHaveCount(2);
  await expect(plan.locator('[data-testid="plan-host"][data-host="host-1"]')).toContainText(/v4 [0-9a-f]{7}\).*v2 [0-9a-f]{7}\)/);
  await expect(plan.locator('[data-testid="plan-host"][data-host="host-3"]')).toHaveAttribute('data-wave', '2');
  // Production hosts: the rollback waits for the environment's name, as a deploy does.
  await expect(plan.getByTestId('rollback-confirm')).toBeDisabled();
  await plan.getByTestId('confirm-name').fill('production');
  await plan.getByTestId('rollback-confirm').click();
  // The rollback is shown live under Deploys, in the same waves and gates.
  await expect(page.getByTestId('deploys-view')).toBeVisible();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('deploy-done')).toContainText('rollback');
  await page.getByTestId('nav-releases').click();
  expect(await app(address(1))).toContain('sample app v2');
  expect(await app(address(3))).toContain('sample app v2');
  await expect(page.getByTestId('release-row').last()).toContainText('host-1, host-3');
  // The console's own record: every deploy and rollback of this run, newest first.
  await expect(page.getByTestId('deploy-record').first()).toHaveAttribute('data-outcome', 'succeeded');
  await expect(page.getByTestId('deploy-record').first()).toContainText('rollback');
  await expect(page.locator('[data-testid="deploy-record"][data-outcome="rolled back"]')).toHaveCount(1);
});

test('pause a deploy, kill the console, and resume the interrupted deploy from its record', async ({ page }, testInfo) => {
  // A console of its own (same fleet, its own data folder) on a copy of the fleet file whose app
  // bakes 3 s, so the deploy can be caught between its waves, and whose lock beats every second and
  // is stale after 3 s without a beat, so the dead console's lock goes stale quickly.
  const fleetFile = process.env.FLEETDECK_FLEET_FILE!;
  const slowFile = path.join(path.dirname(fleetFile), 'fleet-slow.yaml');
  fs.writeFileSync(slowFile, fs.readFileSync(fleetFile, 'utf8').replace('    keep_releases: 3', '    keep_releases: 3\n    bake: 3s\n    lock: { heartbeat: 1s, stale_after: 3s }'));
  const dataDir = fs.mkdtempSync(path.join(path.dirname(fleetFile), 'data-recovery-'));
  const start = () => startConsole({ repoRoot: process.cwd(), fleetFile: slowFile, dataDir, token: process.env.FLEETDECK_TOKEN! });
  let console1: RunningConsole | null = await start();
  let console2: RunningConsole | null = null;
  try {
    await page.goto(console1.url);
    await page.getByTestId('nav-deploys').click();
    await page.getByTestId('deploy-ref').fill('v1');
    await page.getByTestId('deploy-confirm').fill('production');
    await page.getByTestId('deploy-go').click();
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-1"] [data-step="health"]')).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
    // The running gate shows its time against its limit (within 10 s, then the 3 s bake).
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-1"] [data-step="health"]')).toContainText(/health \d+ s of \d+ s…/);
    await page.getByTestId('deploy-pause').click();
    await expect(page.getByTestId('deploy-controls')).toHaveAttribute('data-control', 'paused');
    await expect(page.getByTestId('deploy-resume')).toBeVisible();
    // The canary finishes its bake; the next wave waits for Resume.
    await expect(page.getByTestId('deploy-wave').first()).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
    await page.waitForTimeout(1000);
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-3"] [data-step="switch"]')).toHaveCount(0);
    expect(await app(address(1))).toContain('sample app v1');
    expect(await app(address(3)).catch(() => 'not running')).not.toContain('sample app v1');
    await page.screenshot({ path: testInfo.outputPath('deploy-paused.png') });

    // The console dies with the deploy paused between its waves.
    console1.process.kill('SIGKILL');
    await untilExit(console1);
    console1 = null;
    console2 = await start();
    await page.goto(console2.url);
    await page.getByTestId('nav-releases').click();
    const record = page.getByTestId('deploy-record').first();
    await expect(record).toHaveAttribute('data-outcome', 'interrupted');
    // What the hosts say: the canary on the new release, production still on its own, both locked by the dead run.
    await expect(page.locator('[data-testid="version-row"][data-host="host-3"]')).toHaveAttribute('data-drift', 'true');
    await expect(page.getByTestId('host-lock')).toHaveCount(2);
    // Its heartbeat stopped with it: once 3 s have passed without one, Releases (asked again) says stale.
    await expect(async () => {
      await page.getByTestId('nav-deploys').click();
      await page.getByTestId('nav-releases').click();
      await expect(page.locator('[data-testid="host-lock"][data-lease="stale"]')).toHaveCount(2, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId('host-lock').first()).toContainText(/locked by \S+@\S+ pid \d+ since \S+ \(deploy shop \d{14}\), last heartbeat \d+ s ago \(stale\)/);
    await record.getByTestId('record-recover').click();
    await expect(record.getByTestId('record-confirm')).toContainText('runs on host-1; not on host-3');
    await expect(record.getByTestId('record-confirm')).toContainText('is taken over');
    await page.screenshot({ path: testInfo.outputPath('releases-interrupted.png') });
    await expect(record.getByTestId('record-resume')).toBeDisabled();
    await record.getByTestId('confirm-name').fill('production');
    await record.getByTestId('record-resume').click();
    await expect(page.getByTestId('deploys-view')).toBeVisible();
    await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
    // Resuming switched only the host that was not yet on the release.
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-1"] [data-step="switch"]')).toHaveCount(0);
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-3"] [data-step="switch"]')).toHaveAttribute('data-state', 'ok');
    expect(await app(address(3))).toContain('sample app v1');
    await page.getByTestId('nav-releases').click();
    await expect(page.getByTestId('host-lock')).toHaveCount(0);
    await expect(page.getByTestId('deploy-record').first()).toHaveAttribute('data-outcome', 'succeeded');
  } finally {
    console1?.stop();
    console2?.stop();
  }
});

test('with stages, a deploy goes to staging only, and Promote ships that release to production', async ({ page }, testInfo) => {
  // A console of its own on a copy of the fleet file whose app names its stages.
  const fleetFile = process.env.FLEETDECK_FLEET_FILE!;
  const stagedFile = path.join(path.dirname(fleetFile), 'fleet-stages.yaml');
  // Another app comes first in `apps:`: every view must follow shop, the app picked and deployed.
  const blog = '  blog:\n    roles: [app]\n    deploy_to: ~/apps/blog\n    source: { dir: ./blog }\n';
  fs.writeFileSync(stagedFile, fs.readFileSync(fleetFile, 'utf8').replace('    keep_releases: 3', '    keep_releases: 3\n    stages: [staging, production]').replace('apps:\n', `apps:\n${blog}`));
  const dataDir = fs.mkdtempSync(path.join(path.dirname(fleetFile), 'data-stages-'));
  const staged = await startConsole({ repoRoot: process.cwd(), fleetFile: stagedFile, dataDir, token: process.env.FLEETDECK_TOKEN! });
  try {
    await page.goto(staged.url);
    await page.getByTestId('nav-deploys').click();
    await page.getByTestId('app-select').selectOption('shop');
    await expect(page.getByTestId('deploy-stage')).toHaveValue('staging');
    await expect(page.getByTestId('deploy-wave')).toHaveCount(1);
    await expect(page.getByTestId('deploy-wave')).toContainText('host-1');
    await expect(page.getByTestId('deploy-confirm')).toHaveCount(0);
    await page.getByTestId('deploy-ref').fill('v4');
    await page.getByTestId('deploy-go').click();
    await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
    const release = /\d{14}/.exec((await page.getByTestId('deploy-done').textContent()) ?? '')![0];
    await expect(page.getByTestId('deploy-done')).toContainText(`deploy ${release} to staging`);
    expect(await app(address(1))).toContain('sample app v4');
    expect(await app(address(3)).catch(() => 'not running')).not.toContain('sample app v4');
    // The next deploy's confirmation follows the stage picked now, not the hosts of the run shown.
    await page.getByTestId('deploy-stage').selectOption('production');
    await expect(page.getByTestId('deploy-go')).toContainText('Deploy to production');
    await expect(page.getByTestId('deploy-go')).toBeDisabled();
    await expect(page.getByTestId('deploy-confirm')).toHaveAttribute('placeholder', 'type "production" to confirm');
    await page.getByTestId('deploy-stage').selectOption('staging');
    await expect(page.getByTestId('deploy-confirm')).toHaveCount(0);

    await page.getByTestId('nav-releases').click();
    const staging = page.locator('[data-testid="stage"][data-stage="staging"]');
    await expect(staging.getByTestId('stage-runs')).toHaveText(release);
    await expect(page.locator('[data-testid="stage"][data-stage="production"] [data-testid="promote"]')).toHaveCount(0);
    await staging.getByTestId('promote').click();
    await expect(staging.getByTestId('promote-plan')).toContainText(`host-3: `);
    await expect(staging.getByTestId('promote-plan')).toContainText(`→ ${release}`);
    // Production still needs its name typed.
    await expect(staging.getByTestId('promote-confirm')).toBeDisabled();
    await staging.getByTestId('confirm-name').fill('production');
    await staging.getByTestId('promote-confirm').click();
    await expect(page.getByTestId('deploys-view')).toBeVisible();
    await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
    await expect(page.getByTestId('deploy-done')).toContainText(`promotion of ${release} from staging to production`);
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-3"] [data-step="health"]')).toHaveAttribute('data-state', 'ok');
    await expect(page.locator('[data-testid="deploy-host"][data-host="host-1"]')).toHaveCount(0);
    expect(await app(address(3))).toContain('sample app v4');

    await page.getByTestId('nav-releases').click();
    await expect(page.locator('[data-testid="stage"][data-stage="production"] [data-testid="stage-runs"]')).toHaveText(release);
    await expect(page.locator('[data-testid="version-row"][data-host="host-3"] [data-testid="host-stage"]')).toHaveText('production');
    await expect(page.locator(`[data-testid="release-row"][data-release="${release}"]`)).toContainText('host-1 (staging), host-3 (production)');
    await expect(page.getByTestId('promote')).toHaveCount(0);
    await expect(page.getByTestId('record-kind').first()).toHaveText('promote staging → production');
    await page.screenshot({ path: testInfo.outputPath('releases-stages.png') });

    // Staging moves on; rolling back to the promoted release moves staging only (production runs it
    // already): the confirmation's plan says so, asks for no production name, and the run does just that.
    await page.getByTestId('nav-deploys').click();
    await page.waitForTimeout(1100); // a new release id
    await page.getByTestId('deploy-ref').fill('v2');
    await page.getByTestId('deploy-go').click();
    await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
    await page.getByTestId('nav-releases').click();
    await expect(page.getByTestId('app-select')).toHaveValue('shop');
    await page.locator(`[data-testid="release-row"][data-release="${release}"]`).getByTestId('rollback').click();
    const plan = page.getByTestId('rollback-plan');
    await expect(plan.getByTestId('plan-host')).toHaveCount(1);
    await expect(plan.locator('[data-testid="plan-host"][data-host="host-1"]')).toHaveAttribute('data-stage', 'staging');
    await expect(plan.locator('[data-testid="plan-host"][data-host="host-1"]')).toContainText(`${release} (v4 `);
    await expect(plan.getByTestId('plan-unchanged')).toHaveText(`Not touched (already on ${release}): host-3.`);
    await expect(plan.getByTestId('confirm-name')).toHaveCount(0);
    await expect(plan.getByTestId('rollback-confirm')).toHaveText('Roll back 1 host');
    await page.screenshot({ path: testInfo.outputPath('rollback-plan.png'), fullPage: true });
    const productionLog = path.join(hostPaths(path.dirname(fleetFile), 'host-3').home, 'apps', 'shop', 'revisions.log');
    const before = fs.readFileSync(productionLog, 'utf8');
    await plan.getByTestId('rollback-confirm').click();
    // Deploys shows this rollback of shop, not the first app.
    await expect(page.getByTestId('deploys-view')).toBeVisible();
    await expect(page.getByTestId('app-select')).toHaveValue('shop');
    await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
    await expect(page.getByTestId('deploy-what')).toContainText(`rollback ${release} on 1 host: host-1`);
    await expect(page.getByTestId('deploy-host')).toHaveCount(1);
    expect(fs.readFileSync(productionLog, 'utf8')).toBe(before);
    expect(await app(address(1))).toContain('sample app v4');

    // Releases asks the hosts again on Refresh, without leaving the view.
    await page.getByTestId('nav-releases').click();
    const lockDir = path.join(path.dirname(productionLog), '.fleetdeck', 'lock');
    await expect(page.locator('[data-testid="version-row"][data-host="host-3"] [data-testid="host-lock"]')).toHaveCount(0);
    fs.mkdirSync(lockDir, { recursive: true });
    fs.writeFileSync(path.join(lockDir, 'holder'), 'dave@laptop pid 1 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)\n');
    try {
      await page.getByTestId('releases-refresh').click();
      await expect(page.locator('[data-testid="version-row"][data-host="host-3"] [data-testid="host-lock"]')).toContainText('dave@laptop');
    } finally {
      fs.rmSync(lockDir, { recursive: true, force: true });
    }
  } finally {
    staged.stop();
  }
});

test('a stale lock is taken over after one confirmation, a live one only after typing the app\'s name', async ({ page }) => {
  const appDir = (host: string): string => path.join(hostPaths(path.dirname(process.env.FLEETDECK_FLEET_FILE!), host).home, 'apps', 'shop', '.fleetdeck');
  /** A lock another console holds on `host`, its heartbeat `age` seconds old on this (the host's) clock. */
  const lockBy = (host: string, holder: string, age: number): void => {
    fs.mkdirSync(path.join(appDir(host), 'lock'), { recursive: true });
    fs.writeFileSync(path.join(appDir(host), 'lock', 'holder'), `${holder}\n`);
    fs.writeFileSync(path.join(appDir(host), 'lock', 'heartbeat'), `${Math.floor(Date.now() / 1000) - age}\n`);
  };
  const deploy = async (): Promise<void> => {
    await page.waitForTimeout(1100); // a new release id
    await page.getByTestId('deploy-ref').fill('v4');
    await page.getByTestId('deploy-confirm').fill('production');
    await page.getByTestId('deploy-go').click();
    await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'failed', { timeout: 60_000 });
  };
  const gone = 'bob@gone pid 9 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)';
  await page.goto(url());
  await page.getByTestId('nav-deploys').click();

  lockBy('host-1', gone, 600);
  await deploy();
  await expect(page.getByTestId('deploy-done')).toContainText(`locked by ${gone}, last heartbeat 10 min ago (stale)`);
  await expect(page.getByTestId('deploy-takeover')).toHaveText('Take over the stale lock and deploy…');
  await page.getByTestId('deploy-takeover').click();
  await expect(page.getByTestId('takeover-confirm')).toContainText(`host-1: locked by ${gone}, last heartbeat 10 min ago (stale)`);
  await expect(page.getByTestId('takeover-confirm').getByTestId('confirm-name')).toHaveCount(0);
  await page.getByTestId('takeover-go').click();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('deploy-done')).toContainText('It took over the lock on host-1');
  expect(fs.readFileSync(path.join(appDir('host-1'), 'takeovers.log'), 'utf8')).toContain(`took over the lock of ${gone}, last heartbeat 10 min ago (stale)`);

  const busy = 'carol@desk pid 7 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100500)';
  lockBy('host-3', busy, 0);
  await deploy();
  await expect(page.getByTestId('deploy-done')).toContainText(`locked by ${busy}, last heartbeat`);
  await expect(page.getByTestId('deploy-takeover')).toHaveText('Take over the live lock and deploy…');
  await page.getByTestId('deploy-takeover').click();
  await expect(page.getByTestId('takeover-confirm')).toContainText('The lock on host-3 is live: its deploy may be running now.');
  await expect(page.getByTestId('takeover-go')).toBeDisabled();
  await page.getByTestId('takeover-confirm').getByTestId('confirm-name').fill('shop');
  await page.getByTestId('takeover-go').click();
  await expect(page.getByTestId('deploy-done')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  expect(fs.readFileSync(path.join(appDir('host-3'), 'takeovers.log'), 'utf8')).toMatch(/took over the lock of carol@desk .* \(live\)\n$/);
});

test('while the fleet file is broken, Deploys and Releases say so and nothing starts from the last good version', async ({ page }) => {
  const fleetFile = process.env.FLEETDECK_FLEET_FILE!;
  const brokenFile = path.join(path.dirname(fleetFile), 'fleet-broken.yaml');
  const good = fs.readFileSync(fleetFile, 'utf8');
  fs.writeFileSync(brokenFile, good);
  const dataDir = fs.mkdtempSync(path.join(path.dirname(fleetFile), 'data-broken-'));
  const own = await startConsole({ repoRoot: process.cwd(), fleetFile: brokenFile, dataDir, token: process.env.FLEETDECK_TOKEN! });
  try {
    await page.goto(own.url);
    await page.getByTestId('nav-deploys').click();
    await page.getByTestId('deploy-confirm').fill('production');
    await expect(page.getByTestId('deploy-go')).toBeEnabled();
    await expect(page.getByTestId('fleet-problem')).toHaveCount(0);
    fs.writeFileSync(brokenFile, `${good}  broken: [\n`);
    await expect(page.getByTestId('fleet-problem')).toContainText('fleet-broken.yaml line');
    await expect(page.getByTestId('fleet-problem')).toContainText('nothing starts here');
    await expect(page.getByTestId('deploy-go')).toBeDisabled();
    await page.getByTestId('nav-releases').click();
    await expect(page.getByTestId('fleet-problem')).toBeVisible();
    await page.getByTestId('rollback').first().click();
    await expect(page.getByTestId('rollback-plan')).toContainText('The fleet file is broken');
    fs.writeFileSync(brokenFile, good);
    await expect(page.getByTestId('fleet-problem')).toHaveCount(0);
  } finally {
    own.stop();
  }
});

function untilExit(c: RunningConsole): Promise<void> {
  return new Promise((resolve) => (c.process.exitCode !== null || c.process.signalCode !== null ? resolve() : c.process.once('exit', () => resolve())));
}
