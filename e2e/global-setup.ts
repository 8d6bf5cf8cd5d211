import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { e2eFleetOptions } from './e2eFleet';
import { fleetDown, fleetUp } from './fleet/fleet';

// Starts a 3-host test fleet and the console in browser mode on it (the built dist/), and hands
// the URL and token to the specs through the environment. The returned function stops both.

export const E2E_TOKEN = 'e2e-token-' + Math.random().toString(36).slice(2);

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync('dist/electron/serve.cjs') || !fs.existsSync('dist/renderer/index.html')) {
    throw new Error('dist/ is not built: run `npm run build` first (npm test does).');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-e2e-'));
  const fleet = await fleetUp(e2eFleetOptions(dir));
  let serve: ChildProcess | null = null;
  try {
    serve = spawn(process.execPath, ['dist/electron/serve.cjs', '--fleet', fleet.fleetFile, '--data-dir', path.join(dir, 'data'), '--port', '0', '--token', E2E_TOKEN], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await firstUrl(serve);
    process.env.FLEETDECK_URL = url;
    process.env.FLEETDECK_TOKEN = E2E_TOKEN;
    process.env.FLEETDECK_FLEET_FILE = fleet.fleetFile;
  } catch (error) {
    serve?.kill();
    await fleetDown(dir);
    throw error;
  }
  return async () => {
    serve?.kill('SIGTERM');
    await fleetDown(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** The console prints `Fleetdeck: http://…/?token=…` once it listens. */
function firstUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Fleetdeck: (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${out}`)));
  });
}
