import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eFleetOptions } from './e2eFleet';
import { fleetUp, PASSWORD_USER } from './fleet/fleet';

// Password logins in the console: a refused password, "Try again", the right one remembered, and
// the "Remembered logins" panel that lists and forgets it. The fleet's own user logs in by key, so
// this spec asks the fleet for its password user on host-1 (root only: the fleet creates a local
// account) and adds a host "pw-1" for that account at host-1's address, and "behind-1" (host-3)
// with pw-1 as its jump host; both are undone after.
// Like passwordLogin.int.test.ts, it fails rather than skips when not run as root (CI is root).

const fleetFile = (): string => process.env.FLEETDECK_FLEET_FILE!;
const fleetDir = (): string => path.dirname(fleetFile());
const pane = (page: Page) => page.locator('[data-testid="terminal-pane"][data-host="pw-1"]');

test.describe('password logins', () => {
  let password = '';
  let good = '';

  test.beforeAll(async () => {
    const fleet = await fleetUp({ ...e2eFleetOptions(fleetDir()), passwordUser: { 'host-1': ['password'] } });
    password = fleet.passwordUser!.password;
    const address = fleet.hosts.find((h) => h.name === 'host-1')!.address;
    const behind = fleet.hosts.find((h) => h.name === 'host-3')!.address;
    good = fs.readFileSync(fleetFile(), 'utf8');
    // behind-1 is host-3 reached through pw-1: the hop logs in as pw-1 does, with the password.
    const login =
      `environments:\n  logins:\n    roles:\n      shell:\n        - { name: pw-1, address: ${address}, user: ${PASSWORD_USER} }\n` +
      `        - { name: behind-1, address: ${behind}, jump: pw-1 }\n`;
    fs.writeFileSync(fleetFile(), good.replace('environments:\n', login));
  });
  test.afterAll(async () => {
    // The fleet puts host-1's sshd back as the other specs know it, and writes its fleet file anew.
    await fleetUp(e2eFleetOptions(fleetDir()));
  });

  test('a refused password is asked again after "Try again"; a remembered one is listed and forgotten', async ({ page }) => {
    await page.goto(process.env.FLEETDECK_URL!);
    await expect(page.locator('[data-testid="host-tile"][data-host="pw-1"]')).toBeVisible({ timeout: 15_000 });
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-open').getByRole('textbox').fill('pw-1');
    await page.keyboard.press('Enter');

    const question = page.getByTestId('ssh-question');
    await expect(question).toHaveAttribute('data-kind', 'password', { timeout: 15_000 });
    await question.getByLabel('Secret').fill('not-the-password');
    await question.getByRole('button', { name: 'Log in' }).click();
    await expect(pane(page).locator('.xterm-rows')).toContainText('refused the password', { timeout: 15_000 });
    const button = pane(page).getByTestId('terminal-reconnect');
    await expect(button).toHaveText('Try again');

    await button.click();
    await expect(question).toHaveAttribute('data-kind', 'password', { timeout: 15_000 });
    await question.getByLabel('Secret').fill(password);
    await question.getByTestId('remember-secret').check();
    await question.getByRole('button', { name: 'Log in' }).click();
    await pane(page).locator('.xterm').click();
    await page.keyboard.type('echo "I am $(id -un) on $FLEETDECK_HOST"');
    await page.keyboard.press('Enter');
    await expect(pane(page).locator('.xterm-rows')).toContainText(`I am ${PASSWORD_USER} on host-1`, { timeout: 15_000 });

    await page.getByTestId('show-remembered-logins').click();
    const panel = page.getByTestId('remembered-logins');
    await expect(panel.getByTestId('secrets-keeping')).toContainText('in memory only');
    const remembered = panel.getByTestId('remembered-login');
    await expect(remembered).toHaveCount(1);
    await expect(remembered).toContainText(`${PASSWORD_USER}@`);
    await expect(panel).not.toContainText(password);
    await remembered.getByTestId('forget-login').click();
    await expect(remembered).toHaveCount(0);
  });

  test("a jump host's password is asked for naming the jump host and the host behind it", async ({ page }) => {
    await page.goto(process.env.FLEETDECK_URL!);
    await expect(page.locator('[data-testid="host-tile"][data-host="behind-1"]')).toBeVisible({ timeout: 15_000 });
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-open').getByRole('textbox').fill('behind-1');
    await page.keyboard.press('Enter');

    const question = page.getByTestId('ssh-question');
    await expect(question).toHaveAttribute('data-kind', 'password', { timeout: 15_000 });
    await expect(question.getByRole('heading')).toHaveText(`Password for ${PASSWORD_USER}@pw-1`);
    await expect(question.getByTestId('question-hop')).toHaveText('For the jump host pw-1, on the way to behind-1.');
    await question.getByLabel('Secret').fill(password);
    await question.getByRole('button', { name: 'Log in' }).click();
    const behindPane = page.locator('[data-testid="terminal-pane"][data-host="behind-1"]');
    await behindPane.locator('.xterm').click();
    await page.keyboard.type('echo "now on $FLEETDECK_HOST"');
    await page.keyboard.press('Enter');
    await expect(behindPane.locator('.xterm-rows')).toContainText('now on host-3', { timeout: 15_000 });
  });
});
