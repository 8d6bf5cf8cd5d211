import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_APP_PORT } from '../../../e2e/fleet/sampleApp';
import type { DeployEventMessage } from '../../../shared/contract/deploy';
import type { FleetService } from '../inventory/fleetService';
import type { DeployRecords } from './deployRecords';
import type { DeployService } from './deployService';
import { deployServiceBed, runWatched, type DeployServiceBed } from '../../../e2e/testbeds/deployServiceBed';
import { deployTestBed, nextSecond, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';

// Staged deploys on real hosts (127.0.140.x: host-1 in staging, host-3 in production): a deploy
// goes to the first stage only, and a promotion ships that release — same id, same revision, even
// after its git ref moved — to production; a stage the app does not name is refused, and so are a
// folder source that changed since (rather than shipped as something else) and a release its
// stage no longer runs.

describe('staged deploys', () => {
  let bed: DeployTestBed;
  let service: DeployServiceBed;
  let fleet: FleetService;
  let records: DeployRecords;
  let deploys: DeployService;

  beforeAll(async () => {
    bed = await deployTestBed(140, 3);
    mkdirSync(join(bed.dir, 'site'));
    writeFileSync(join(bed.dir, 'site', 'index.html'), 'one\n');
    appendFileSync(
      bed.fleet.fleetFile,
      [
        'apps:',
        '  shop:',
        '    roles: [app]',
        '    deploy_to: ~/apps/shop',
        `    source: { git: ${JSON.stringify(join(bed.dir, 'repo'))}, ref: main }`,
        '    restart: bin/restart',
        `    health: { http: "http://{address}:${SAMPLE_APP_PORT}/health", within: 5s }`,
        '    stages: [staging, production]',
        '  site:',
        '    roles: [app]',
        '    deploy_to: ~/apps/site',
        `    source: { dir: ${JSON.stringify(join(bed.dir, 'site'))} }`,
        '    stages: [staging, production]',
        '',
      ].join('\n'),
    );
    service = await deployServiceBed(bed);
    ({ fleet, records, deploys } = service);
  });
  afterAll(async () => {
    service?.dispose();
    await bed?.dispose();
  });

  const run = (params: Parameters<DeployService['start']>[0]): Promise<DeployEventMessage[]> => runWatched(deploys, params);
  const started = (events: DeployEventMessage[]) => events[0] as Extract<DeployEventMessage, { type: 'started' }>;
  const done = (events: DeployEventMessage[]) => events.find((e) => e.type === 'done') as Extract<DeployEventMessage, { type: 'done' }>;
  const revisionOn = (h: number, app = 'shop'): string => readFileSync(join(bed.appDir(h), '..', app, 'current', 'REVISION'), 'utf8').trim();

  it('deploys to staging only, then promotes the same release and revision to production after main moved', async () => {
    const staged = await run({ app: 'shop', takeOver: false });
    expect(done(staged).outcome).toBe('succeeded');
    expect(started(staged)).toMatchObject({ stage: 'staging', promotedFrom: null, hosts: ['host-1'] });
    const release = done(staged).release;
    expect(bed.current(0)).toBe(`releases/${release}`);
    expect(revisionOn(0)).toBe(bed.commits.v4);
    expect(existsSync(join(bed.appDir(2), 'current'))).toBe(false);
    const [deployed] = records.list('shop');
    expect(deployed).toMatchObject({ stage: 'staging', promotedFrom: null, revision: bed.commits.v4, ref: 'main' });

    // main moves on after staging got it: the promotion must ship what staging runs, not main now.
    execFileSync('git', ['-C', join(bed.dir, 'repo'), 'update-ref', 'refs/heads/main', bed.commits.v1]);
    const promoted = await run({ app: 'shop', promote: deployed!.id, takeOver: false });
    expect(done(promoted)).toMatchObject({ outcome: 'succeeded', release });
    expect(started(promoted)).toMatchObject({ stage: 'production', promotedFrom: 'staging', release, hosts: ['host-3'] });
    expect(bed.current(2)).toBe(`releases/${release}`);
    expect(revisionOn(2)).toBe(bed.commits.v4);
    expect(await bed.page(2)).toContain('sample app v4');
    expect(readFileSync(join(bed.appDir(2), 'revisions.log'), 'utf8')).toContain(`Branch main (at ${bed.commits.v4}) deployed as release ${release}`);
    // Staging was not touched by the promotion.
    expect(promoted.some((e) => e.type === 'step' && e.host === 'host-1')).toBe(false);
    const [record] = records.list('shop');
    expect(record).toMatchObject({ kind: 'deploy', release, stage: 'production', promotedFrom: 'staging', revision: bed.commits.v4, outcome: 'succeeded', hosts: ['host-3'] });

    // Production is the last stage: nothing to promote it to.
    await expect(deploys.start({ app: 'shop', promote: record!.id, takeOver: false })).rejects.toThrow(/production is the last stage of shop/);
  });

  it('refuses a stage the app does not name, before anything is recorded', async () => {
    const before = records.list('shop').length;
    await expect(deploys.start({ app: 'shop', stage: 'qa', takeOver: false })).rejects.toThrow('"qa" is not a stage of app "shop"; its stages are staging, production.');
    expect(records.list('shop')).toHaveLength(before);
  });

  it('refuses to promote a folder release whose folder changed since, or one its stage no longer runs', async () => {
    const staged = await run({ app: 'site', takeOver: false });
    expect(done(staged).outcome).toBe('succeeded');
    const [deployed] = records.list('site');
    expect(deployed!.revision).toBe(revisionOn(0, 'site'));
    const page = join(bed.dir, 'site', 'index.html');
    const { atime, mtime } = statSync(page);
    writeFileSync(page, 'two\n');
    const promoted = await run({ app: 'site', promote: deployed!.id, takeOver: false });
    expect(done(promoted).outcome).toBe('failed');
    expect(done(promoted).message).toMatch(/^The folder .*site is not what release \d{14} was built from .* it changed since/);
    expect(existsSync(join(bed.appDir(2), '..', 'site', 'current'))).toBe(false);
    // Put back as it was, the folder packs to the same SHA-256 and the promotion goes through.
    writeFileSync(page, 'one\n');
    utimesSync(page, atime, mtime);
    const again = await run({ app: 'site', promote: deployed!.id, takeOver: false });
    expect(done(again).outcome).toBe('succeeded');
    expect(revisionOn(2, 'site')).toBe(deployed!.revision);

    // Staging moves on to a newer release: the old one is no longer what staging runs, so it is not promoted.
    await nextSecond();
    writeFileSync(page, 'three\n');
    expect(done(await run({ app: 'site', takeOver: false })).outcome).toBe('succeeded');
    const stale = await run({ app: 'site', promote: deployed!.id, takeOver: false });
    expect(done(stale)).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/^staging no longer runs \d{14} on host-1 \(it runs \d{14}\); only a release its stage runs is promoted/) });
    expect(stale.some((e) => e.type === 'step')).toBe(false);
    expect(records.list('site')[0]).toMatchObject({ outcome: 'failed', promotedFrom: 'staging' });
  });
});
