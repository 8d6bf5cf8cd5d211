import { appHosts, type FleetService } from '../inventory/fleetService';
import type { SshPool } from '../ssh/pool';
import { CoreFailure, type ApiPart } from '../transport/coreApi';
import type { DeployRecords } from './deployRecords';
import type { DeployService } from './deployService';
import { readHostReleases } from './releaseHistory';

// The deploy part of the contract: deploys run in the DeployService; a stream only watches one.
export function deployApi(
  deploys: DeployService,
  pool: SshPool,
  fleet: FleetService,
  records: DeployRecords | null,
): ApiPart<'deploy.start' | 'deploy.plan' | 'deploy.releases' | 'deploy.history' | 'deploy.control' | 'deploy.running', 'deploy.watch'> {
  return {
    requests: {
      'deploy.start': async (params) => ({ id: await deploys.start(params) }),
      'deploy.plan': async ({ app, release, stage }) => deploys.planRollback(app, release, stage ?? null),
      'deploy.history': async ({ app }) => records?.list(app) ?? [],
      'deploy.releases': async ({ app }) => {
        const spec = fleet.appSpec(app);
        if (!spec) throw new CoreFailure(`There is no app "${app}" in the fleet file.`);
        return readHostReleases(pool, spec, appHosts(spec, fleet.current.hosts));
      },
      'deploy.control': async ({ id, action }) => deploys.control(id, action),
      'deploy.running': async () => deploys.list(),
    },
    streams: {
      'deploy.watch': ({ id }, sink) => {
        const watching = deploys.watch(id, (event) => sink.send(event), () => sink.end());
        if (!watching) sink.end({ code: 'failed', message: `Deploy ${id} is not known to this console (it ended before the console started; see Releases for its record).` });
        return watching ?? { dispose: () => undefined };
      },
    },
  };
}
