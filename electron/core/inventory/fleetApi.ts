import type { AppInfo } from '../../../shared/api';
import type { ApiPart } from '../transport/coreApi';
import type { FleetService } from './fleetService';
import { withoutSecrets } from './pageSnapshot';

// The fleet part of the contract (shared/contract/fleet.ts): which console this is, and the fleet
// as loaded, never with the secrets a fleet file may hold.

export interface FleetApiDeps {
  fleet: FleetService;
  info: AppInfo;
}

export function fleetApi({ fleet, info }: FleetApiDeps): ApiPart<'app.info' | 'fleet.snapshot' | 'fleet.reload', 'fleet.updates'> {
  return {
    requests: {
      'app.info': async () => info,
      'fleet.snapshot': async () => withoutSecrets(fleet.current),
      'fleet.reload': async () => withoutSecrets(fleet.reload()),
    },
    streams: {
      'fleet.updates': (_params, sink) => {
        sink.send(withoutSecrets(fleet.current));
        return fleet.onChange((snapshot) => sink.send(withoutSecrets(snapshot)));
      },
    },
  };
}
