import { toDisposable } from '../../shared/disposable';
import { appHosts, type FleetService } from '../inventory/fleetService';
import type { SshPool } from '../ssh/pool';
import { CoreFailure, type ApiPart } from '../transport/coreApi';
import { readHostReleases } from './releaseHistory';
import { runDeploy } from './deployRunner';

// The deploy part of the contract. A deploy runs to its end (or its rollback) even when the window
// that started it goes away: stopping halfway is what leaves hosts on mixed releases.
export function deployApi(pool: SshPool, fleet: FleetService): ApiPart<'deploy.releases', 'deploy.run'> {
  return {
    requests: {
      'deploy.releases': async ({ app }) => {
        const spec = fleet.appSpec(app);
        if (!spec) throw new CoreFailure(`There is no app "${app}" in the fleet file.`);
        return readHostReleases(pool, spec, appHosts(spec, fleet.current.hosts));
      },
    },
    streams: {
      'deploy.run': ({ app, ref, release }, sink) => {
        const spec = fleet.appSpec(app);
        if (!spec) {
          sink.end({ code: 'invalid_input', message: `There is no app "${app}" in the fleet file.` });
          return toDisposable(() => undefined);
        }
        let open = true;
        const hosts = appHosts(spec, fleet.current.hosts);
        void runDeploy(pool, { app, spec, hosts, ref, release }, (event) => open && sink.send(event)).then(
          () => open && sink.end(),
          (error: Error) => open && sink.end({ code: 'failed', message: error.message }),
        );
        return toDisposable(() => (open = false));
      },
    },
  };
}
