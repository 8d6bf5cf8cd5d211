import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployEventMessage } from '../../shared/contract/deploy';
import { HistoryStore } from '../../electron/core/history/historyStore';
import { FleetService } from '../../electron/core/inventory/fleetService';
import { DeployRecords } from '../../electron/core/deploy/deployRecords';
import { DeployService } from '../../electron/core/deploy/deployService';
import type { DeployTestBed } from './deployTestBed';

// What the integration tests of the DeployService stand on, over a deploy test bed whose fleet
// file names the apps: the fleet service reading that file, a deploy record store, the service.

export interface DeployServiceBed {
  fleet: FleetService;
  history: HistoryStore;
  records: DeployRecords;
  deploys: DeployService;
  dispose(): void;
}

export async function deployServiceBed(bed: DeployTestBed): Promise<DeployServiceBed> {
  const fleet = new FleetService(bed.fleet.fleetFile);
  if (fleet.current.problem) throw new Error(fleet.current.problem.message);
  mkdirSync(join(bed.dir, 'data'));
  const history = await HistoryStore.open(join(bed.dir, 'data'), { maintainEveryMs: null });
  const records = new DeployRecords(history.db);
  const deploys = new DeployService({ pool: bed.pool, fleet, records, status: null });
  return {
    fleet,
    history,
    records,
    deploys,
    dispose: () => {
      deploys.dispose();
      history.dispose();
      fleet.dispose();
    },
  };
}

/** Starts a deploy in the service and resolves with all its events once it has ended. */
export const runWatched = (deploys: DeployService, params: Parameters<DeployService['start']>[0]): Promise<DeployEventMessage[]> =>
  new Promise((resolve, reject) => {
    const events: DeployEventMessage[] = [];
    deploys.start(params).then((id) => deploys.watch(id, (e) => events.push(e), () => resolve(events)), reject);
  });
