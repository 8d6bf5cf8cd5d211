import fs from 'node:fs';
import path from 'node:path';

export interface LocateArgs {
  /** The value of --fleet, if given. */
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  configDir: string;
}

/** Which fleet file to use: --fleet, then FLEETDECK_FLEET, then ./fleet.yaml, then the user's
 * config folder. A path given explicitly is used even if it does not exist yet (the console says
 * so and watches for it); the implicit places count only when the file is there. */
export function locateFleetFile({ flag, env, cwd, configDir }: LocateArgs): string | null {
  if (flag) return path.resolve(cwd, flag);
  if (env.FLEETDECK_FLEET) return path.resolve(cwd, env.FLEETDECK_FLEET);
  for (const candidate of [path.join(cwd, 'fleet.yaml'), path.join(configDir, 'fleet.yaml')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}
