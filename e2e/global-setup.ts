import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newToken } from '../electron/serve/auth';
import { e2eFleetOptions } from './e2eFleet';
import { fleetDown, fleetUp } from './fleet/fleet';
import { startConsole, type RunningConsole } from './startConsole';

// Starts a 3-host test fleet and the console in browser mode on it (the built dist/), and hands
// the URL and token to the specs through the environment. The returned function stops both.

export const E2E_TOKEN = newToken();

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync('dist/electron/serve.cjs') || !fs.existsSync('dist/renderer/index.html')) {
    throw new Error('dist/ is not built: run `npm run build` first (npm test does).');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-e2e-'));
  const fleet = await fleetUp(e2eFleetOptions(dir));
  let serve: RunningConsole | null = null;
  try {
    serve = await startConsole({ repoRoot: process.cwd(), fleetFile: fleet.fleetFile, dataDir: path.join(dir, 'data'), token: E2E_TOKEN });
    const url = serve.url;
    process.env.FLEETDECK_URL = url;
    process.env.FLEETDECK_TOKEN = E2E_TOKEN;
    process.env.FLEETDECK_FLEET_FILE = fleet.fleetFile;
  } catch (error) {
    serve?.stop();
    await fleetDown(dir);
    throw error;
  }
  return async () => {
    serve?.stop();
    await fleetDown(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
