// `npm run bench -- deploy --hosts 20`: the sample app deployed and rolled back on N test hosts
// (127.0.125.x) by Debian's Capistrano and by Fleetdeck — same git source, same layout, same
// restart. Each tool first deploys once untimed (its git mirror and the app running), then a
// new release is deployed and rolled back, timed. For the fair pair Fleetdeck runs one wave
// with no bake (its health gate stays on: Capistrano has none to turn off); a second Fleetdeck
// deploy in three health-gated waves is reported on its own.
import { join } from 'node:path';
import { runDeploy, type DeployEvent, type DeployRequest } from '../../electron/core/deploy/deployRunner';
import { deployTestBed, nextSecond } from '../testbeds/deployTestBed';
import { writeCapProject } from '../fleet/capistrano';
import { SAMPLE_APP_PORT } from '../fleet/sampleApp';

export const DEPLOY_USAGE = `bench deploy [--hosts N] [--private]
  --hosts N       test hosts to deploy to (default 20)
  --private       the hosts sit behind the test fleet's bastion (root only): Fleetdeck's connections
                  and health gates go through it, Capistrano's through \`ssh -W\` to it`;

const seconds = (ms: number): number => Math.round(ms / 10) / 100;

export async function runDeployBench(o: { hosts: number; private: boolean }): Promise<number> {
  console.log(o.private ? `starting ${o.hosts} test hosts behind bastion-1 (198.18.0.x) …` : `starting ${o.hosts} test hosts at 127.0.125.x …`);
  // Behind the bastion, one loopback host stands beside it (the fleet has at least one) and is not deployed to.
  const bed = o.private ? await deployTestBed(125, 1, { privateHosts: o.hosts }) : await deployTestBed(125, o.hosts);
  try {
    const { dir, fleet, pool, tunnelFor } = bed;
    const behind = fleet.private;
    const hosts = behind ? bed.hosts.filter((h) => behind.hosts.some((p) => p.name === h.name)) : bed.hosts;
    const cap = writeCapProject({
      dir: join(dir, 'cap'),
      fleetDir: dir,
      addresses: (behind ? behind.hosts : fleet.hosts).map((h) => h.address),
      repo: join(dir, 'repo'),
      branch: 'v1',
      ...(behind ? { jump: { address: behind.bastion.address, port: behind.bastion.sshPort } } : {}),
    });
    const spec = (waves: Array<number | string>) => bed.spec({ health: { http: `http://{address}:${SAMPLE_APP_PORT}/health`, within: '10s' }, waves, status_gate: false, keep_releases: 5 });
    const timed = async <T>(label: string, fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      const t = performance.now();
      const value = await fn();
      const ms = performance.now() - t;
      console.log(`  ${label}: ${seconds(ms)} s`);
      return { ms, value };
    };
    const stepTimes: Record<string, number[]> = {};
    const fleetdeck = (req: Omit<DeployRequest, 'app' | 'hosts'>) =>
      runDeploy(pool, { app: 'shop', hosts, user: 'bench', tunnelFor, ...req }, (e: DeployEvent) => {
        if (e.type === 'step' && e.state === 'ok') (stepTimes[e.step] ??= []).push(e.ms);
      }).then((r) => {
        if (r.outcome !== 'succeeded') throw new Error(`Fleetdeck ${r.outcome}: ${r.message}`);
        return r;
      });

    console.log('Capistrano (warm-up deploy of v1, then v2 and its rollback, timed):');
    await timed('warm-up deploy v1', () => cap.cap('deploy', { USER: 'bench', BRANCH: 'v1' }));
    await nextSecond();
    const capDeploy = await timed('deploy v2', () => cap.cap('deploy', { USER: 'bench', BRANCH: 'v2' }));
    const capRollback = await timed('rollback', () => cap.cap('deploy:rollback', { USER: 'bench' }));

    console.log('Fleetdeck, one wave, no bake (warm-up deploy of v1, then v4 and its rollback, timed):');
    await nextSecond();
    await timed('warm-up deploy v1', () => fleetdeck({ spec: spec(['100%']), ref: 'v1' }));
    for (const k of Object.keys(stepTimes)) delete stepTimes[k];
    await nextSecond();
    const ours = await timed('deploy v4', () => fleetdeck({ spec: spec(['100%']), ref: 'v4' }));
    const oursSteps = Object.fromEntries(Object.entries(stepTimes).map(([k, v]) => [k, Math.round(Math.max(...v))]));
    console.log(`  slowest host per step (ms): ${JSON.stringify(oursSteps)}`);
    const previous = Object.values(ours.value.previous)[0]!;
    const oursRollback = await timed(`rollback to ${previous}`, () => fleetdeck({ spec: spec(['100%']), release: previous }));

    console.log('Fleetdeck, waves [1, "25%", "100%"], health-gated:');
    await nextSecond();
    const waves3 = await timed('deploy v2', () => fleetdeck({ spec: spec([1, '25%', '100%']), ref: 'v2' }));

    const result = {
      hosts: o.hosts,
      private: o.private,
      deploy_s: seconds(ours.ms),
      capistrano_deploy_s: seconds(capDeploy.ms),
      deploy_ratio: Math.round((ours.ms / capDeploy.ms) * 100) / 100,
      rollback_s: seconds(oursRollback.ms),
      capistrano_rollback_s: seconds(capRollback.ms),
      rollback_ratio: Math.round((oursRollback.ms / capRollback.ms) * 100) / 100,
      waves3_deploy_s: seconds(waves3.ms),
      slowest_step_ms: oursSteps,
    };
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    await bed.dispose();
  }
}
