import { appendFileSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployEventMessage } from '../../../shared/contract/deploy';
import { plannedHosts } from '../../../shared/deploy/rollbackPlan';
import type { FleetService } from '../inventory/fleetService';
import type { DeployRecords } from './deployRecords';
import type { DeployService } from './deployService';
import { deployServiceBed, runWatched, type DeployServiceBed } from '../../../e2e/testbeds/deployServiceBed';
import { deployTestBed, nextSecond, stepsOf, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';

// A rollback's confirmation and its run are one plan (127.0.151.x: host-1 and host-2 in staging,
// host-4 in production): for each stage layout, the hosts the plan shows are exactly the hosts the
// run locks, in the plan's waves, and a host already on the release is not touched at all. A plan
// the hosts moved away from since is refused.

describe('rollback plans', () => {
  let bed: DeployTestBed;
  let service: DeployServiceBed;
  let fleet: FleetService;
  let records: DeployRecords;
  let deploys: DeployService;

  beforeAll(async () => {
    bed = await deployTestBed(151, 5);
    mkdirSync(join(bed.dir, 'site'));
    writeFileSync(join(bed.dir, 'site', 'index.html'), 'one\n');
    const app = (name: string, stages: string | null): string[] => [`  ${name}:`, '    roles: [app]', `    deploy_to: ~/apps/${name}`, `    source: { dir: ${JSON.stringify(join(bed.dir, 'site'))} }`, '    waves: [1, "100%"]', ...(stages ? [`    stages: ${stages}`] : [])];
    // The first app has no stages; the others are not first in `apps:`.
    appendFileSync(bed.fleet.fleetFile, ['apps:', ...app('plain', null), ...app('staged', '[staging, production]'), ...app('single', '[production]'), ''].join('\n'));
    service = await deployServiceBed(bed);
    ({ fleet, records, deploys } = service);
  });
  afterAll(async () => {
    service?.dispose();
    await bed?.dispose();
  });

  const run = (params: Parameters<DeployService['start']>[0]): Promise<DeployEventMessage[]> => runWatched(deploys, params);
  const done = (events: DeployEventMessage[]) => events.find((e) => e.type === 'done') as Extract<DeployEventMessage, { type: 'done' }>;
  const touched = (events: DeployEventMessage[]): string[] => [...new Set(events.flatMap((e) => (e.type === 'step' ? [e.host] : [])))].sort();
  const deploy = async (app: string, extra: Record<string, unknown> = {}): Promise<string> => {
    await nextSecond();
    const events = await run({ app, takeOver: false, ...extra });
    expect(done(events).outcome).toBe('succeeded');
    return done(events).release;
  };

  /** Plans the rollback, runs that plan, and checks that it locked exactly the planned hosts, wave by wave. */
  const rollBack = async (app: string, release: string, expected: string[][]): Promise<void> => {
    const plan = await deploys.planRollback(app, release, null);
    expect(plan.waves.map((w) => w.hosts.map((h) => h.host))).toEqual(expected);
    const events = await run({ app, release, plan: plan.id, takeOver: false });
    expect(done(events).outcome).toBe('succeeded');
    expect(stepsOf(events, 'lock')).toEqual(expect.arrayContaining(plannedHosts(plan)));
    expect(stepsOf(events, 'lock')).toHaveLength(plannedHosts(plan).length);
    expect(touched(events)).toEqual([...plannedHosts(plan)].sort());
    expect(events.filter((e) => e.type === 'wave' && e.state === 'running').map((e) => (e as { hosts: string[] }).hosts)).toEqual(expected);
    expect(events[0]).toMatchObject({ type: 'started', kind: 'rollback', waves: expected });
  };

  it('without stages: every host not on the release, in the app waves', async () => {
    const first = await deploy('plain');
    await deploy('plain');
    await rollBack('plain', first, [['host-1'], ['host-2', 'host-4']]);
  });

  it('staging and production after a promotion: only the staging hosts that moved on, not production', async () => {
    const first = await deploy('staged');
    const [promotable] = records.list('staged');
    await nextSecond();
    expect(done(await run({ app: 'staged', promote: promotable!.id, takeOver: false })).outcome).toBe('succeeded');
    const second = await deploy('staged');
    const plan = await deploys.planRollback('staged', first, null);
    expect(plan.waves).toEqual([
      { stage: 'staging', hosts: [{ host: 'host-1', from: second, to: first }] },
      { stage: 'staging', hosts: [{ host: 'host-2', from: second, to: first }] },
    ]);
    expect(plan.unchanged).toEqual(['host-4']);
    await rollBack('staged', first, [['host-1'], ['host-2']]);
  });

  it('a single-stage app: its one stage', async () => {
    const first = await deploy('single');
    await deploy('single');
    await rollBack('single', first, [['host-4']]);
  });

  it('refuses a plan the hosts moved away from since it was shown, touching nothing', async () => {
    const first = await deploy('plain');
    await deploy('plain');
    const plan = await deploys.planRollback('plain', first, null);
    const third = await deploy('plain');
    await expect(run({ app: 'plain', release: first, plan: plan.id, takeOver: false })).rejects.toThrow('The hosts of plain changed since this rollback was planned; nothing was started.');
    expect(readlinkSync(join(bed.appDir(0), '..', 'plain', 'current'))).toBe(`releases/${third}`);
    await expect(deploys.planRollback('plain', third, null)).rejects.toThrow(`Every host already runs ${third}; there is nothing to roll back.`);
  });

  it('starts and plans nothing while the fleet file is broken, saying where', async () => {
    const good = readFileSync(bed.fleet.fleetFile, 'utf8');
    writeFileSync(bed.fleet.fleetFile, `${good}  broken: [\n`);
    fleet.reload();
    try {
      expect(fleet.current.problem).not.toBeNull();
      await expect(run({ app: 'plain', takeOver: false })).rejects.toThrow(/^The fleet file is broken \(.*fleet\.yaml line \d+, column \d+: .*\); nothing was started\.$/);
      await expect(deploys.planRollback('plain', '20260101000000', null)).rejects.toThrow(/^The fleet file is broken/);
    } finally {
      writeFileSync(bed.fleet.fleetFile, good);
      fleet.reload();
    }
    expect(fleet.current.problem).toBeNull();
  });
});
