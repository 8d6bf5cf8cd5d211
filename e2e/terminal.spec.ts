import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eFleetOptions } from './e2eFleet';
import { fleetUp, stopDaemon } from './fleet/fleet';
import { hostPaths } from './fleet/layout';

// Shells on the real test fleet's OpenSSH, through the console, in xterm.js in Chromium.

const url = (): string => process.env.FLEETDECK_URL!;
const fleetDir = (): string => path.dirname(process.env.FLEETDECK_FLEET_FILE!);
const pane = (page: Page, host: string) => page.locator(`[data-testid="terminal-pane"][data-host="${host}"]`);

async function typeInto(page: Page, host: string, text: string): Promise<void> {
  await pane(page, host).locator('.xterm').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Ctrl+K, the host's name, Enter: and waits for the shell's prompt. */
async function openFromPalette(page: Page, host: string): Promise<void> {
  await page.keyboard.press('Control+k');
  await page.getByTestId('quick-open').getByRole('textbox').fill(host);
  await page.keyboard.press('Enter');
  await expect(pane(page, host).locator('.xterm-rows')).toContainText('#', { timeout: 15_000 });
}

test('a shell on a host from its page, another from Ctrl+K, side by side', async ({ page }, testInfo) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"][data-host="host-2"]').click();
  await page.getByTestId('open-shell').click();
  await expect(page.getByTestId('terminal-tab')).toHaveCount(1);
  // Each test host's sshd gives its sessions the host's name: this proves which host answered.
  await typeInto(page, 'host-2', 'echo "I am on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-2').locator('.xterm-rows')).toContainText('I am on host-2', { timeout: 15_000 });

  await page.keyboard.press('Control+k');
  await page.getByTestId('quick-open').getByRole('textbox').fill('host-3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('terminal-tab')).toHaveCount(2);
  await typeInto(page, 'host-3', 'echo "I am on $FLEETDECK_HOST"; tput cols');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('I am on host-3', { timeout: 15_000 });

  await page.getByTestId('terminal-split').click();
  await expect(pane(page, 'host-2')).toBeVisible();
  await expect(pane(page, 'host-3')).toBeVisible();
  // The PTY follows the pane: after the split the shell sees fewer columns.
  await typeInto(page, 'host-3', 'echo "cols=$(tput cols)"');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText(/cols=\d+/);
  const tab = page.locator('[data-testid="terminal-tab"][data-host="host-2"]');
  await expect(tab.locator('.state-dot')).toHaveAttribute('aria-label', 'OK', { timeout: 20_000 });
  const shot = await page.screenshot();
  for (const dir of process.env.UPDATE_SCREENSHOTS ? [testInfo.outputPath(), path.join('e2e', 'screenshots')] : [testInfo.outputPath()]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'terminals-light.png'), shot);
  }
});

test('typing goes to the selected shell without a click: after Ctrl+K, after the split, after a click in the other pane', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"][data-host="host-2"]').dblclick();
  await expect(pane(page, 'host-2').locator('.xterm-rows')).toContainText('#', { timeout: 15_000 });
  await page.keyboard.press('Control+k');
  await page.getByTestId('quick-open').getByRole('textbox').fill('host-3');
  await page.keyboard.press('Enter');
  await page.keyboard.type('echo "first on $FLEETDECK_HOST"\n');
  const rows = pane(page, 'host-3').locator('.xterm-rows > div');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('first on host-3', { timeout: 15_000 });
  // The palette's Enter did not reach the new shell: the command is on the first line, not after
  // an empty one.
  await expect(rows.first()).toContainText('echo "first on');

  await page.getByTestId('terminal-split').click();
  await expect(page.getByTestId('terminal-pane-title')).toHaveText([/host-2/, /host-3/]);
  await page.keyboard.type('echo "split on $FLEETDECK_HOST"\n');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('split on host-3', { timeout: 15_000 });
  await expect(page.getByTestId('terminal-split')).toHaveAttribute('aria-pressed', 'true');
  await expect(pane(page, 'host-3')).toHaveAttribute('data-active', 'true');

  // A click in the other pane selects its tab.
  await pane(page, 'host-2').locator('.xterm').click();
  await expect(page.locator('[data-testid="terminal-tab"][data-host="host-2"] [role="tab"]')).toHaveAttribute('aria-selected', 'true');
  await expect(pane(page, 'host-2')).toHaveAttribute('data-active', 'true');
  await page.keyboard.type('echo "clicked $FLEETDECK_HOST"\n');
  await expect(pane(page, 'host-2').locator('.xterm-rows')).toContainText('clicked host-2', { timeout: 15_000 });
  // A click on a tab, even the selected one, goes back to its shell.
  for (const host of ['host-3', 'host-3']) {
    await page.locator(`[data-testid="terminal-tab"][data-host="${host}"] [role="tab"]`).click();
    await page.keyboard.type(`echo "tab $FLEETDECK_HOST"\n`);
  }
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText(/tab host-3[^]*tab host-3/, { timeout: 15_000 });
  // Away to the fleet and back: the keyboard is with the shell again.
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+3');
  await page.keyboard.type('echo "returned to $FLEETDECK_HOST"\n');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('returned to host-3', { timeout: 15_000 });
});

test('Ctrl+Tab and Ctrl+Shift+Tab in a shell go to the next and previous tab', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  for (const host of ['host-1', 'host-2', 'host-3']) await openFromPalette(page, host);
  const selected = page.locator('[data-testid="terminal-tab"]:has([role="tab"][aria-selected="true"])');
  await expect(selected).toHaveAttribute('data-host', 'host-3');
  await page.keyboard.press('Control+Tab');
  await expect(selected).toHaveAttribute('data-host', 'host-1');
  await page.keyboard.press('Control+Shift+Tab');
  await page.keyboard.press('Control+Shift+Tab');
  await expect(selected).toHaveAttribute('data-host', 'host-2');
  // The shell in front has the keyboard.
  await page.keyboard.type('echo "now on $FLEETDECK_HOST"\n');
  await expect(pane(page, 'host-2').locator('.xterm-rows')).toContainText('now on host-2', { timeout: 15_000 });
});

test('the view shortcuts Ctrl+1..6 work while a shell has the keyboard', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  await openFromPalette(page, 'host-1');
  const current = page.locator('[data-testid^="nav-"][aria-current="page"]');
  // xterm turns Ctrl+3, Ctrl+4 and Ctrl+6 into control characters for the shell; Ctrl+1, 2 and 5 it leaves.
  for (const [key, view] of [['4', 'run'], ['6', 'releases'], ['1', 'fleet'], ['2', 'events'], ['5', 'deploys'], ['3', 'terminals']] as const) {
    await page.getByTestId('nav-terminals').click();
    await pane(page, 'host-1').locator('.xterm').click();
    await expect(pane(page, 'host-1').locator('textarea')).toBeFocused();
    await page.keyboard.press(`Control+${key}`);
    await expect(current).toHaveAttribute('data-testid', `nav-${view}`);
  }
  // The shell got none of them: what is typed now runs as typed.
  await typeInto(page, 'host-1', 'echo "clean on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-1').locator('.xterm-rows')).toContainText('clean on host-1', { timeout: 15_000 });
});

test('leaving or reloading the page with shells open asks first', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  // Without shells the page goes without a question.
  await page.reload();
  expect(dialogs).toEqual([]);
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  await openFromPalette(page, 'host-2');
  await typeInto(page, 'host-2', 'true');
  // Dismissed: the page stays, and so does its shell.
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  await expect(pane(page, 'host-2')).toBeVisible();
});

test('a double-click on a tile opens a shell on that host; a single click opens its page', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"][data-host="host-2"]').dblclick();
  await expect(pane(page, 'host-2')).toBeVisible();
  await typeInto(page, 'host-2', 'echo "dbl on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-2').locator('.xterm-rows')).toContainText('dbl on host-2', { timeout: 15_000 });
  await page.keyboard.press('Control+1');
  await page.locator('[data-testid="host-tile"][data-host="host-3"]').click();
  await expect(page.getByRole('heading', { name: 'host-3' })).toBeVisible();
});

test('a changed host key is refused with a warning, and the shell opens once known_hosts is right again', async ({ page }) => {
  const knownHosts = path.join(fleetDir(), 'known_hosts');
  const before = fs.readFileSync(knownHosts, 'utf8');
  // host-1 gets a new host key (a reinstall, or someone in the middle); known_hosts keeps the old.
  await stopDaemon(fleetDir(), 'host-1', 'sshd');
  for (const f of [hostPaths(fleetDir(), 'host-1').hostKey, hostPaths(fleetDir(), 'host-1').hostKeyPub]) fs.rmSync(f);
  await fleetUp(e2eFleetOptions(fleetDir()));
  fs.writeFileSync(knownHosts, before);
  try {
    await page.goto(url());
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-open').getByRole('textbox').fill('host-1');
    await page.keyboard.press('Enter');
    const rows = pane(page, 'host-1').locator('.xterm-rows');
    await expect(rows).toContainText('has CHANGED', { timeout: 15_000 });
    await expect(rows).toContainText('refuses to connect');
    await expect(pane(page, 'host-1')).toHaveAttribute('data-ended', 'true');
  } finally {
    // The fleet writes known_hosts anew with the host's current key.
    await fleetUp(e2eFleetOptions(fleetDir()));
  }
  await page.getByTestId('terminal-reconnect').click();
  await typeInto(page, 'host-1', 'echo "back on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-1').locator('.xterm-rows')).toContainText('back on host-1', { timeout: 15_000 });
});

test('broadcast: uptime typed once runs on every joined terminal, after a confirmation for production', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  for (const host of ['host-1', 'host-2', 'host-3']) await openFromPalette(page, host);
  const confirmations: string[] = [];
  page.on('dialog', (dialog) => {
    confirmations.push(dialog.message());
    void dialog.accept();
  });
  for (const host of ['host-1', 'host-2', 'host-3']) await page.locator(`[data-testid="terminal-tab"][data-host="${host}"] [data-testid="broadcast-toggle"]`).click();
  // host-2 and host-3 are production hosts.
  expect(confirmations).toEqual([expect.stringContaining('host-2 is a production host'), expect.stringContaining('host-3 is a production host')]);
  for (const host of ['host-1', 'host-2', 'host-3']) await expect(page.locator(`[data-testid="terminal-tab"][data-host="${host}"]`)).toHaveAttribute('data-broadcast', 'true');
  await expect(pane(page, 'host-3').getByTestId('broadcast-note')).toContainText('3 terminals');
  await typeInto(page, 'host-3', 'echo "up on $FLEETDECK_HOST: $(uptime | cut -c1-9)"');
  // A hidden tab's terminal draws when it is shown: look at each in turn.
  for (const host of ['host-1', 'host-2', 'host-3']) {
    await page.locator(`[data-testid="terminal-tab"][data-host="${host}"] [role="tab"]`).click();
    await expect(pane(page, host).locator('.xterm-rows')).toContainText(`up on ${host}:`, { timeout: 15_000 });
  }
  // Leaving the group: input goes to that terminal only.
  await page.locator('[data-testid="terminal-tab"][data-host="host-1"] [data-testid="broadcast-toggle"]').click();
  await page.locator('[data-testid="terminal-tab"][data-host="host-1"] [role="tab"]').click();
  await typeInto(page, 'host-1', 'echo "alone on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-1').locator('.xterm-rows')).toContainText('alone on host-1', { timeout: 15_000 });
  await page.locator('[data-testid="terminal-tab"][data-host="host-2"] [role="tab"]').click();
  await expect(pane(page, 'host-2').locator('.xterm-rows')).not.toContainText('alone on');
});

test('a shell whose sshd dies says so and offers to reconnect', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  await page.keyboard.press('Control+k');
  await page.getByTestId('quick-open').getByRole('textbox').fill('host-3');
  await page.keyboard.press('Enter');
  await typeInto(page, 'host-3', 'echo "alive on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('alive on host-3', { timeout: 15_000 });
  await stopDaemon(fleetDir(), 'host-3', 'sshd');
  try {
    await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('connection to host-3 was lost', { timeout: 30_000 });
    await expect(pane(page, 'host-3')).toHaveAttribute('data-ended', 'true');
    // Not a refused login: the button says Reconnect, not "Try again".
    await expect(pane(page, 'host-3').getByTestId('terminal-reconnect')).toHaveText('Reconnect');
  } finally {
    await fleetUp(e2eFleetOptions(fleetDir()));
  }
  await page.getByTestId('terminal-reconnect').click();
  await typeInto(page, 'host-3', 'echo "back on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-3').locator('.xterm-rows')).toContainText('back on host-3', { timeout: 15_000 });
});

test('a recorded session is saved as asciicast v2 and plays back', async ({ page }) => {
  await page.goto(url());
  await page.locator('[data-testid="host-tile"]').first().waitFor();
  await page.getByTestId('nav-terminals').click();
  await page.getByTestId('record-new').check();
  await page.keyboard.press('Control+k');
  await page.getByTestId('quick-open').getByRole('textbox').fill('host-2');
  await page.keyboard.press('Enter');
  await expect(pane(page, 'host-2').getByTestId('recording-note')).toBeVisible();
  await typeInto(page, 'host-2', 'echo "recorded on $FLEETDECK_HOST"');
  await expect(pane(page, 'host-2').locator('.xterm-rows')).toContainText('recorded on host-2', { timeout: 15_000 });
  await page.locator('[data-testid="terminal-tab"][data-host="host-2"] .terminal-tab-close').click();

  const dir = path.join(fleetDir(), 'data', 'recordings');
  const file = fs.readdirSync(dir).find((f) => f.startsWith('host-2-'));
  expect(file).toBeDefined();
  const [header, ...events] = fs.readFileSync(path.join(dir, file!), 'utf8').trim().split('\n');
  expect(JSON.parse(header!)).toMatchObject({ version: 2, title: 'Fleetdeck: host-2' });
  expect(events.map((l) => (JSON.parse(l) as [number, string, string])[2]).join('')).toContain('recorded on host-2');

  await page.getByTestId('show-recordings').click();
  await page.locator('[data-testid="recording"][data-host="host-2"]').first().click();
  await expect(page.getByTestId('player')).toHaveAttribute('data-done', 'true', { timeout: 20_000 });
  await expect(page.getByTestId('player').locator('.xterm-rows')).toContainText('recorded on host-2');
});
