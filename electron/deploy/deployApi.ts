import { toDisposable } from '../../shared/disposable';
import { appHosts, type FleetService } from '../inventory/fleetService';
import type { SshPool } from '../ssh/pool';
import { CoreFailure, type ApiPart } from '../transport/coreApi';
import { readHostReleases } from './releaseHistory';
import { hostname, userInfo } from 'node:os';
import type { DeployRecords } from './deployRecords';
import { runDeploy, type DeployEvent } from './deployRunner';

// The deploy part of the contract. A deploy runs to its end (or its rollback) even when the window
// that started it goes away: stopping halfway is what leaves hosts on mixed releases.
export function deployApi(pool: SshPool, fleet: FleetService, records: DeployRecords | null): ApiPart<'deploy.releases' | 'deploy.history', 'deploy.run'> {
  return {
    requests: {
      'deploy.history': async ({ app }) => records?.list(app) ?? [],
      'deploy.releases': async ({ app }) => {
        const spec = fleet.appSpec(app);
        if (!spec) throw new CoreFailure(`There is no app "${app}" in the fleet file.`);
        return readHostReleases(pool, spec, appHosts(spec, fleet.current.hosts));
      },
    },
    streams: {
      'deploy.run': ({ app, ref, release, takeOver }, sink) => {
        const spec = fleet.appSpec(app);
        if (!spec) {
          sink.end({ code: 'invalid_input', message: `There is no app "${app}" in the fleet file.` });
          return toDisposable(() => undefined);
        }
        let open = true;
        const hosts = appHosts(spec, fleet.current.hosts);
        let recordId: number | null = null;
        const steps = new Map<string, { host: string; step: string; state: string; ms: number; output: string }>();
        const onEvent = (event: DeployEvent): void => {
          if (event.type === 'step') steps.set(`${event.host} ${event.step}`, { host: event.host, step: event.step, state: event.state, ms: event.ms, output: event.output.slice(-4096) });
          if (event.type === 'done' && records && recordId !== null) records.finish(recordId, event.outcome, event.message, [...steps.values()]);
          if (open) sink.send(event);
        };
        if (records) {
          recordId = records.start({ app, release: release ?? 'pending', kind: release ? 'rollback' : 'deploy', ref: ref ?? ('git' in spec.source ? spec.source.ref : null), user: userInfo().username, machine: hostname(), hosts: hosts.map((h) => h.name) });
        }
        void runDeploy(pool, { app, spec, hosts, ref, release, takeOver }, (event) => {
          // A new deploy's release id is minted by the runner; the record learns it at the end.
          if (event.type === 'done' && records && recordId !== null) records.setRelease(recordId, event.release);
          onEvent(event);
        }).then(
          () => open && sink.end(),
          (error: Error) => open && sink.end({ code: 'failed', message: error.message }),
        );
        return toDisposable(() => (open = false));
      },
    },
  };
}
