import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import { newToken } from '../electron/serve/auth';

// A new user with no fleet file: the console, started in browser mode with HOME pointing at a
// home of its own, offers the hosts of ~/.ssh/config (here the real hosts of the test fleet that
// global-setup.ts started), writes a fleet file from the picked ones, shows that fleet, and finds
// the file again at its next start.

const TOKEN = newToken();
const SERVE = path.resolve('dist/electron/serve.cjs');

interface FleetHost {
  name: string;
  address: string;
}

/** The test fleet's hosts, read from the fleet file global-setup wrote. */
function testFleetHosts(): FleetHost[] {
  const doc = parse(fs.readFileSync(process.env.FLEETDECK_FLEET_FILE!, 'utf8')) as { environments: Record<string, { roles: Record<string, FleetHost[]> }> };
  return Object.values(doc.environments).flatMap((env) => Object.values(env.roles).flat());
}

/** A ~/.ssh/config as people write them: a pattern block of shared settings, one block per host,
 * an Include of a folder, and a Match block that Fleetdeck skips. */
function writeSshConfig(home: string, hosts: FleetHost[]): void {
  const fleetDir = path.dirname(process.env.FLEETDECK_FLEET_FILE!);
  const ssh = path.join(home, '.ssh');
  fs.mkdirSync(path.join(ssh, 'config.d'), { recursive: true });
  const [first, ...rest] = hosts;
  fs.writeFileSync(
    path.join(ssh, 'config'),
    [
      '# test fleet',
      ...rest.flatMap((h) => [`Host ${h.name}`, `  HostName ${h.address}`, '']),
      'Include config.d/*.conf',
      '',
      'Match user nobody',
      '  Port 1',
      '',
      'Host *',
      '  Port 2222',
      `  User ${os.userInfo().username}`,
      `  IdentityFile ${path.join(fleetDir, 'id_ed25519')}`,
      `  UserKnownHostsFile ${path.join(fleetDir, 'known_hosts')}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(ssh, 'config.d', 'first.conf'), `Host ${first!.name}\n  HostName ${first!.address}\n`);
}

function startServe(home: string, args: string[] = []): { child: ChildProcess; url: Promise<string> } {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
  delete env.FLEETDECK_FLEET;
  delete env.FLEETDECK_DATA_DIR;
  env.FLEETDECK_TOKEN = TOKEN;
  const child = spawn(process.execPath, [SERVE, '--port', '0', ...args], { cwd: home, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Fleetdeck: (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${out}`)));
  });
  return { child, url };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

test('without a fleet file, the hosts of ~/.ssh/config become one', async ({ page }) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-inventory-e2e-'));
  const hosts = testFleetHosts();
  expect(hosts.length).toBe(3);
  writeSshConfig(home, hosts);
  const fleetFile = path.join(home, '.config', 'Fleetdeck', 'fleet.yaml');
  let serve = startServe(home);
  try {
    await page.goto(await serve.url);
    await expect(page.getByTestId('fleet-empty')).toContainText('No fleet file');
    const offer = page.getByTestId('ssh-offer');
    await expect(offer.getByTestId('ssh-host')).toHaveCount(3);
    for (const h of hosts) {
      const box = `[data-testid="ssh-host"][data-host="${h.name}"]`;
      await expect(offer.locator(box)).toBeChecked();
      await expect(offer.locator('li', { has: page.locator(box) })).toContainText(`${h.address}:2222`);
    }
    await expect(offer).toContainText(fleetFile);
    await expect(offer.getByTestId('ssh-offer-problems')).toContainText(/config line 10: Match user nobody/);

    const [kept1, dropped, kept2] = [hosts[0]!, hosts[1]!, hosts[2]!];
    await offer.locator(`[data-testid="ssh-host"][data-host="${dropped.name}"]`).uncheck();
    await expect(offer.getByTestId('ssh-pick-all')).not.toBeChecked();
    await expect(offer.getByTestId('ssh-environment')).toHaveValue('ssh-config');
    await offer.getByTestId('ssh-environment').fill('lab');
    await offer.getByTestId('write-fleet-file').click();

    await expect(page.getByTestId('host-tile')).toHaveCount(2);
    for (const h of [kept1, kept2]) await expect(page.locator(`[data-testid="host-tile"][data-host="${h.name}"]`)).toBeVisible();
    await expect(page.locator('[data-testid="map-env"][data-env="lab"]')).toBeVisible();
    await expect(page.getByTestId('status-fleet-file')).toContainText('fleet.yaml');

    // The file is the user's: plain YAML naming the picked hosts with what ~/.ssh/config said.
    const written = parse(fs.readFileSync(fleetFile, 'utf8')) as { environments: { lab: { roles: { hosts: { name: string; address: string; port: number }[] } } } };
    const entries = written.environments.lab.roles.hosts.map((h) => `${h.name} ${h.address}:${h.port}`).sort();
    expect(entries).toEqual([kept1, kept2].map((h) => `${h.name} ${h.address}:2222`).sort());

    // Started again, the console finds the file in the user's Fleetdeck folder by itself.
    await stop(serve.child);
    serve = startServe(home);
    await page.goto(await serve.url);
    await expect(page.getByTestId('host-tile')).toHaveCount(2);
    await expect(page.getByTestId('ssh-offer')).toHaveCount(0);
  } finally {
    await stop(serve.child);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a user with no ~/.ssh/config yet is told so plainly, not shown an error', async ({ page }) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-inventory-e2e-'));
  const serve = startServe(home);
  try {
    await page.goto(await serve.url);
    const offer = page.getByTestId('ssh-offer');
    await expect(offer.getByTestId('ssh-offer-none')).toContainText('No ssh config yet');
    await expect(offer.getByTestId('ssh-offer-none')).toContainText(path.join(home, '.ssh', 'config'));
    await expect(offer.getByTestId('ssh-offer-problems')).toHaveCount(0);
    await expect(offer.locator('[role="alert"]')).toHaveCount(0);
    await page.screenshot({ path: '/tmp/nm-no-ssh-config.png' });
  } finally {
    await stop(serve.child);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a fleet file imports an Ansible inventory, notes a clash, and follows edits of the inventory', async ({ page }) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-inventory-e2e-'));
  const [a, b, c] = testFleetHosts() as [FleetHost, FleetHost, FleetHost];
  const inventory = path.join(home, 'inventory.ini');
  const ini = (extra: string): string =>
    `[web]\n${a.name} ansible_host=${a.address}\n${b.name} ansible_host=${b.address}\n${extra}[db]\ndb-imported ansible_host=${c.address} ansible_port=2222\n[production:children]\nweb\ndb\n`;
  fs.writeFileSync(inventory, ini(''));
  fs.writeFileSync(
    path.join(home, 'fleet.yaml'),
    `defaults: { port: 2222 }\nimports:\n  - ansible: ./inventory.ini\nenvironments:\n  production:\n    roles:\n      web: [ { name: ${a.name}, address: ${a.address}, labels: { from: file } } ]\n`,
  );
  const serve = startServe(home, ['--fleet', path.join(home, 'fleet.yaml')]);
  try {
    await page.goto(await serve.url);
    await expect(page.getByTestId('host-tile')).toHaveCount(3);
    await expect(page.locator('[data-testid="host-tile"][data-host="db-imported"]')).toBeVisible();
    await expect(page.getByTestId('fleet-notes')).toContainText(`inventory.ini line 2: host "${a.name}" is also in the fleet file`);

    // The console watches the imported file too.
    fs.writeFileSync(inventory, ini(`${c.name} ansible_host=${c.address}\n`));
    await expect(page.getByTestId('host-tile')).toHaveCount(4, { timeout: 10_000 });
    await expect(page.locator(`[data-testid="host-tile"][data-host="${c.name}"]`)).toBeVisible();
  } finally {
    await stop(serve.child);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a fleet file named with --fleet that does not exist yet is written there from ~/.ssh/config', async ({ page }) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-inventory-e2e-'));
  writeSshConfig(home, testFleetHosts());
  const target = path.join(home, 'ops', 'fleet.yaml');
  const serve = startServe(home, ['--fleet', target]);
  try {
    await page.goto(await serve.url);
    const missing = page.getByTestId('fleet-missing');
    await expect(missing).toContainText(target);
    await expect(missing.getByTestId('ssh-offer')).toContainText(`writes a fleet file naming them to ${target}`);
    await missing.getByTestId('write-fleet-file').click();
    await expect(page.getByTestId('host-tile')).toHaveCount(3);
    expect(fs.existsSync(path.join(home, '.config', 'Fleetdeck', 'fleet.yaml'))).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toContain('environments:');
  } finally {
    await stop(serve.child);
    fs.rmSync(home, { recursive: true, force: true });
  }
});
