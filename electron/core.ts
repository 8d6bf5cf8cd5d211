import { mkdirSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import type { AppInfo } from '../shared/api';
import { DisposableStore } from '../shared/disposable';
import { FleetService } from './inventory/fleetService';
import { statusApi } from './status/statusApi';
import { StatusService } from './status/statusService';
import type { CoreApi } from './transport/coreApi';

// The core: composes the services and implements the contract. The only place that knows them
// all; each service owns one resource and is built here by plain constructor injection. Each
// feature's handlers come from one function (`fooApi(services)`), joined below.

export interface CoreOptions {
  mode: AppInfo['mode'];
  fleetPath: string | null;
  /** Where the console keeps its own files: history database, accepted host keys. */
  dataDir: string;
}

export interface Core {
  readonly api: CoreApi;
  dispose(): Promise<void>;
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const services = new DisposableStore();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const fleet = services.add(new FleetService(options.fleetPath));
  const status = services.add(new StatusService({ fleet }));
  const statusPart = statusApi(status);
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
      ...statusPart.requests,
      'history.series': async () => [],
    },
    streams: {
      'fleet.updates': (_params, sink) => {
        sink.send(fleet.current);
        return fleet.onChange((snapshot) => sink.send(snapshot));
      },
      ...statusPart.streams,
    },
  };

  return {
    api,
    async dispose() {
      services.dispose();
    },
  };
}
