import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopDaemon } from '../../e2e/fleet/fleet';
import { SAMPLE_APP_PORT } from '../../e2e/fleet/sampleApp';
import { untilAsync } from '../../e2e/until';
import type { DeployEventMessage } from '../../shared/contract/deploy';
import { deployServiceBed, type DeployServiceBed } from './deployServiceBed';
import { deployTestBed, nextSecond, type DeployTestBed } from './deployTestBed';

// A deploy whose host dies just before its unlock (127.0.195.x: app "shop" on host-1 and host-3,
// one host per wave, its lock beating every second). Found by the fault drill (npm run bench --
// faults): the run ended, but its lock stayed on the host that was down at the end, and every
// later deploy stopped at preflight ("locked by …") until someone took it over by hand. Once the
// host is back, the console removes the lock of its own finished run by itself.

const APP = (repo: string): string =>
  [
    'apps:',
    '  shop:',
    '    roles: [app]',
    '    deploy_to: ~/apps/shop',
    `    source: { git: ${JSON.stringify(repo)}, ref: v1 }`,
    '    restart: bin/restart',
    `    health: { http: "http://{address}:${SAMPLE_APP_PORT}/health", within: 5s }`,
    '    waves: [1, "100%"]',
    '    status_gate: false',
    '    lock: { heartbeat: 1s, stale_after: 3s }',
    '',
  ].join('\n');

describe('a lock a finished deploy could not remove', () => {
  let bed: DeployTestBed;
  let service: DeployServiceBed;

  beforeAll(async () => {
    bed = await deployTestBed(195, 4);
    appendFileSync(bed.fleet.fleetFile, APP(join(bed.dir, 'repo')));
    service = await deployServiceBed(bed);
  });
  afterAll(async () => {
    service?.dispose();
    await bed?.dispose();
  });

  /** Runs a deploy through the service; `during` sees each event as it comes. */
  const deploy = (during: (e: DeployEventMessage) => void = () => undefined): Promise<DeployEventMessage[]> =>
    new Promise((resolve, reject) => {
      const events: DeployEventMessage[] = [];
      service.deploys.start({ app: 'shop', takeOver: false }).then(
        (id) =>
          service.deploys.watch(
            id,
            (e) => {
              events.push(e);
              during(e);
            },
            () => resolve(events),
          ),
        reject,
      );
    });
  const done = (events: DeployEventMessage[]) => events.find((e) => e.type === 'done') as Extract<DeployEventMessage, { type: 'done' }>;
  const lockOn = (h: number): string => join(bed.appDir(h), '.fleetdeck', 'lock');

  it('is removed by the console once the host answers again, and the next deploy goes through', async () => {
    expect(done(await deploy()).outcome).toBe('succeeded');
    await nextSecond();
    // host-3 (the second wave) loses its sshd as its switch starts: the wave fails, host-1 goes
    // back, and the unlock on host-3 cannot reach it.
    let killed: Promise<number> | null = null;
    const events = await deploy((e) => {
      if (!killed && e.type === 'wave' && e.index === 1 && e.state === 'running') killed = stopDaemon(bed.dir, 'host-3', 'sshd');
    });
    await killed;
    expect(done(events).outcome).toBe('rolled back');
    expect(done(events).message).toMatch(/The deploy lock could not be removed on host-3 .*; the console removes it once that host answers again/);
    expect(readFileSync(join(lockOn(2), 'holder'), 'utf8')).toMatch(/\(deploy shop \d{14}\)/);
    expect(existsSync(lockOn(0))).toBe(false);

    await bed.restore();
    await untilAsync('the console to remove the lock on host-3', async () => !existsSync(lockOn(2)), 60_000);
    // fleetUp wrote the fleet file again, without the app: give it back, and wait for the reload.
    appendFileSync(bed.fleet.fleetFile, APP(join(bed.dir, 'repo')));
    await untilAsync('the fleet file to be read again', async () => service.fleet.appSpec('shop'), 10_000);
    await nextSecond();
    expect(done(await deploy()).outcome).toBe('succeeded');
  });
});
