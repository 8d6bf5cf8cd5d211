import os from 'node:os';
import path from 'node:path';

// The user's Fleetdeck folder, the same one Electron's app.getPath('userData') gives for the
// product name "Fleetdeck", so that the desktop app and browser mode find the same fleet file.
export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Fleetdeck');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Fleetdeck');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'Fleetdeck');
}
