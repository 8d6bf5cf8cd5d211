import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCapProject, type CapProject } from '../../../e2e/fleet/capistrano';
import { planRollback } from '../../../shared/deploy/rollbackPlan';
import { runDeploy } from './deployRunner';
import { deployTestBed, nextSecond, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';
import { readHostReleases } from './releaseHistory';

// Fleetdeck and Debian's Capistrano on the same hosts (127.0.130.x), same layout: each adopts the
// other's releases — Capistrano's deploy shows in Fleetdeck's history and is rolled back to by
// Fleetdeck; `cap deploy:rollback` goes back over a Fleetdeck deploy, and after a Fleetdeck rollback
// it goes further back (not forward to the release Fleetdeck left), as after its own rollback.

describe('Capistrano compatibility', () => {
  let bed: DeployTestBed;
  let cap: CapProject;
  const capEnv = { USER: 'carol' };
  const release = (h: number) => bed.current(h).replace(/.*\//, '');

  beforeAll(async () => {
    bed = await deployTestBed(130);
    cap = writeCapProject({ dir: join(bed.dir, 'cap'), fleetDir: bed.dir, addresses: [bed.fleet.hosts[0]!.address, bed.fleet.hosts[1]!.address], repo: join(bed.dir, 'repo'), branch: 'v2' });
  });
  afterAll(() => bed?.dispose());
  const hosts = () => bed.hosts.slice(0, 2);

  let capRelease = '';
  it("shows a Capistrano deploy in the release history, with its revision and who deployed it", async () => {
    await cap.cap('deploy', capEnv);
    capRelease = release(0);
    expect(release(1)).toBe(capRelease);
    expect(await bed.page(0)).toContain('sample app v2');
    const reports = await readHostReleases(bed.pool, bed.spec(), hosts());
    for (const r of reports) {
      expect(r).toMatchObject({ current: capRelease, releases: [capRelease], lock: null, error: null });
      expect(r.log).toEqual([{ kind: 'deploy', branch: 'v2', revision: bed.commits.v2, release: capRelease, user: 'carol' }]);
    }
  });

  it('deploys over it with Fleetdeck, keeping its release; `cap deploy:rollback` then goes back to it', async () => {
    await nextSecond();
    const ours = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: hosts(), ref: 'v4', user: 'alice' });
    expect(ours.outcome).toBe('succeeded');
    expect(ours.previous).toEqual({ 'host-1': capRelease, 'host-2': capRelease });
    expect(await bed.page(1)).toContain('sample app v4');
    expect(readdirSync(join(bed.appDir(0), 'releases')).sort()).toEqual([capRelease, ours.release]);

    await cap.cap('deploy:rollback', capEnv);
    expect(release(0)).toBe(capRelease);
    expect(release(1)).toBe(capRelease);
    expect(await bed.page(0)).toContain('sample app v2');
    expect(readFileSync(join(bed.appDir(0), 'revisions.log'), 'utf8').trim().split('\n').at(-1)).toBe(`carol rolled back to release ${capRelease}`);
  });

  it('rolls a newer Capistrano deploy back to the earlier one, in waves and health-gated', async () => {
    await nextSecond();
    await cap.cap('deploy', { ...capEnv, BRANCH: 'v1' });
    expect(release(0)).not.toBe(capRelease);
    expect(await bed.page(0)).toContain('sample app v1');
    const back = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: hosts(), release: capRelease, user: 'alice' });
    expect(back.outcome).toBe('succeeded');
    expect(release(0)).toBe(capRelease);
    expect(await bed.page(1)).toContain('sample app v2');
    const reports = await readHostReleases(bed.pool, bed.spec(), hosts());
    expect(reports[0]!.log.at(-1)).toEqual({ kind: 'rollback', user: 'alice', release: capRelease });
  });

  it('after a Fleetdeck rollback, `cap deploy:rollback` goes further back, and Fleetdeck says why it cannot go forward', async () => {
    const deploy = async (ref: string): Promise<string> => {
      await nextSecond();
      const result = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: hosts(), ref, user: 'alice' });
      expect(result.outcome).toBe('succeeded');
      return result.release;
    };
    const older = await deploy('v1');
    const middle = await deploy('v4');
    const newest = await deploy('v2');
    const back = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: hosts(), release: older, user: 'alice' });
    expect(back.outcome).toBe('succeeded');
    expect(back.message).toContain(`the releases it left (${middle}, ${newest}) were archived as rolled-back-release-<id>.tar.gz`);
    // Capistrano's layout after its own rollback: what was left is archived and gone from releases/.
    for (const r of [middle, newest]) expect(existsSync(join(bed.appDir(0), `rolled-back-release-${r}.tar.gz`))).toBe(true);
    expect(readdirSync(join(bed.appDir(0), 'releases')).sort()).toEqual([capRelease, older]);

    await cap.cap('deploy:rollback', capEnv);
    expect(release(0)).toBe(capRelease);
    expect(release(1)).toBe(capRelease);
    expect(await bed.page(0)).toContain('sample app v2');

    // Fleetdeck's history still has them, and says why it cannot roll forward to one.
    const reports = await readHostReleases(bed.pool, bed.spec(), hosts());
    expect(reports[0]!.archived).toEqual(expect.arrayContaining([middle, newest, older]));
    const plan = planRollback({ app: 'shop', release: newest, stage: null, stages: null, hosts: hosts().map((h) => ({ name: h.name, environment: h.environment })), reports, waves: [1] });
    expect(plan).toEqual({ problem: expect.stringContaining(`Release ${newest} was rolled back from and archived on host-1, host-2`) });
  });
});
