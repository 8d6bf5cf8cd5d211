import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importedToHost } from '../../../shared/fleet/imported';
import { CoreFailure, type ApiPart } from '../transport/coreApi';
import type { FleetService } from './fleetService';
import { fleetFileFromImported } from './writeFleetFile';
import { expandTilde, readSshConfig } from './sshConfig';
import { withoutSecrets } from './pageSnapshot';

// The inventory part of the contract (shared/contract/inventory.ts): without a fleet file the
// console offers the hosts of ~/.ssh/config and writes a fleet file from the ones picked.

export interface InventoryApiDeps {
  fleet: FleetService;
  /** The user's home (where ~/.ssh/config is). */
  home: string;
  /** The user's Fleetdeck folder, where a fleet file is looked for (electron/core/inventory/locate.ts). */
  configDir: string;
}

export function inventoryApi({ fleet, home, configDir }: InventoryApiDeps): ApiPart<'inventory.sshConfigHosts' | 'inventory.writeFleetFile', never> {
  // A fleet file named on the command line that does not exist yet is where to write; else the
  // user's Fleetdeck folder, which the console looks in at its next start too.
  const defaultFleetFile = (): string => fleet.path ?? path.join(configDir, 'fleet.yaml');
  const sshConfigFile = path.join(home, '.ssh', 'config');
  const localUser = os.userInfo().username;

  return {
    requests: {
      'inventory.sshConfigHosts': async () => {
        const result = readSshConfig({ home });
        return {
          file: sshConfigFile,
          exists: fs.existsSync(sshConfigFile),
          hosts: result.hosts.map((h) => importedToHost(h, localUser)),
          problems: result.problems,
          defaultFleetFile: defaultFleetFile(),
        };
      },
      'inventory.writeFleetFile': async ({ hosts: names, path: given, environment }) => {
        const target = given ? expandTilde(given, home) : defaultFleetFile();
        if (!path.isAbsolute(target)) throw new CoreFailure(`"${given}" is not an absolute path.`, 'Give the fleet file’s full path, or start it with ~/.');
        // Only ever a YAML file: a request cannot make the core create, say, a shell's rc file.
        if (!/\.ya?ml$/i.test(target)) throw new CoreFailure(`"${target}" does not end in .yaml or .yml.`, 'A fleet file is YAML: name it fleet.yaml, for example.');
        const { hosts } = readSshConfig({ home, environment });
        const known = new Map(hosts.map((h) => [h.name, h]));
        const missing = names.filter((n) => !known.has(n));
        if (missing.length) {
          throw new CoreFailure(`${missing.join(', ')}: not a host of ${sshConfigFile} (any more).`, 'Reload the list of hosts and pick again.');
        }
        const text = fleetFileFromImported(
          names.map((n) => known.get(n)!),
          { from: sshConfigFile, home, at: new Date() },
          hosts,
        );
        try {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          // 'wx': create, failing if the file exists, in one step (no check-then-write race).
          fs.writeFileSync(target, text, { flag: 'wx', mode: 0o644 });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new CoreFailure(`${target} already exists; Fleetdeck does not overwrite it.`, 'Start Fleetdeck with --fleet pointing at it, or choose another path.');
          throw new CoreFailure(`Cannot write ${target}: ${(error as Error).message}`, 'Choose a folder you can write to.');
        }
        return { path: target, snapshot: withoutSecrets(fleet.open(target)) };
      },
    },
    streams: {},
  };
}
