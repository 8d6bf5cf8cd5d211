import os from 'node:os';
import pkg from '../package.json' with { type: 'json' };
import type { AppInfo } from '../shared/api';
import { DisposableStore, toDisposable } from '../shared/disposable';
import { FleetService } from './inventory/fleetService';
import { inventoryApi } from './inventory/inventoryApi';
import { userConfigDir } from './paths';
import type { CoreApi } from './transport/coreApi';

// The core: composes the services and implements the contract. The only place that knows them
// all; each service owns one resource and is built here by plain constructor injection. Each
// feature's handlers come from one function (`fooApi(services)`), joined below.

export interface CoreOptions {
  mode: AppInfo['mode'];
  fleetPath: string | null;
  /** The user's home (~/.ssh/config, `~` in the fleet file); default os.homedir(). Tests set it. */
  home?: string | undefined;
  /** The user's Fleetdeck folder; default userConfigDir(). */
  configDir?: string | undefined;
}

export interface Core {
  readonly api: CoreApi;
  dispose(): Promise<void>;
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const services = new DisposableStore();
  const home = options.home ?? os.homedir();
  const fleet = services.add(new FleetService(options.fleetPath, { home }));
  const inventory = inventoryApi({ fleet, home, configDir: options.configDir ?? userConfigDir() });
  const info: AppInfo = {
    name: 'Fleetdeck',
    version: pkg.version,
    mode: options.mode,
    platform: process.platform,
    startedAt: Date.now(),
  };

  const api: CoreApi = {
    requests: {
      'app.info': async () => info,
      'fleet.snapshot': async () => fleet.current,
      'fleet.reload': async () => fleet.reload(),
      // Status and history are wired in by the status service (fleet overview issue).
      'status.host': async () => null,
      'status.events': async () => [],
      'history.series': async () => [],
      ...inventory.requests,
    },
    streams: {
      'fleet.updates': (_params, sink) => {
        sink.send(fleet.current);
        return fleet.onChange((snapshot) => sink.send(snapshot));
      },
      'status.updates': (_params, sink) => {
        sink.send({ full: true, at: Date.now(), hosts: [], removed: [] });
        return toDisposable(() => undefined);
      },
      'status.changes': () => toDisposable(() => undefined),
      ...inventory.streams,
    },
  };

  return {
    api,
    async dispose() {
      services.dispose();
    },
  };
}
