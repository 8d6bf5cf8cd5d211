import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopDaemon } from '../../../e2e/fleet/fleet';
import { SAMPLE_APP_PORT } from '../../../e2e/fleet/sampleApp';
import { untilAsync } from '../../../e2e/until';
import type { DeployEventMessage } from '../../../shared/contract/deploy';
import { deployServiceBed, type DeployServiceBed } from '../../../e2e/testbeds/deployServiceBed';
import { DeployControl } from './deployControl';
import { runDeploy, type DeployEvent } from './deployRunner';
import { deployTestBed, nextSecond, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';

// Locks left behind by a deploy that is over (127.0.195.x: app "shop" on host-1 and host-3, one
// host per wave, its lock beating every second). Both found by the fault drill (npm run bench --
// faults); each left a lock that stopped every later deploy at preflight ("locked by …") until
// someone took it over by hand:
// - a host that is down when the run unlocks: once it is back, the console removes the lock;
// - the undo of a deploy whose console died: the hosts it does not move (not on the release)
//   kept the dead deploy's lock; the undo removes it there too.

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

describe('locks a deploy that is over leaves behind', () => {
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
    const killed: Array<Promise<number>> = [];
    const events = await deploy((e) => {
      if (killed.length === 0 && e.type === 'wave' && e.index === 1 && e.state === 'running') killed.push(stopDaemon(bed.dir, 'host-3', 'sshd'));
    });
    expect(await Promise.all(killed)).toHaveLength(1);
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

  it('the undo of a deploy whose console died removes its lock on the hosts it does not move', async () => {
    const spec = bed.spec({ waves: [1, '100%'], status_gate: false, lock: { heartbeat: '1s', stale_after: '3s' } });
    const hosts = bed.hosts.filter((h) => h.name === 'host-1' || h.name === 'host-3');
    await nextSecond();
    const before = bed.current(0);
    // A console that dies between the waves: host-1 switched, host-3 not, both locked, no beat.
    const gone = bed.openPool();
    const control = new DeployControl();
    const events: DeployEvent[] = [];
    const dead = runDeploy(gone, { app: 'shop', spec, hosts, ref: 'v2', user: 'alice', control }, (e) => {
      events.push(e);
      if (e.type === 'wave' && e.index === 0 && e.state === 'ok') control.act('pause');
    });
    await untilAsync('the deploy to pause after its canary', async () => control.state === 'paused');
    gone.dispose();
    void dead.catch(() => undefined);
    const started = events.find((e) => e.type === 'previous') as Extract<DeployEvent, { type: 'previous' }>;
    const release = bed.current(0).split('/').pop()!;
    expect(existsSync(lockOn(2))).toBe(true);

    const undo = await runDeploy(bed.pool, { app: 'shop', spec, hosts, kind: 'undo', release, previous: started.hosts, takeOver: 'console', user: 'alice' });
    expect(undo.outcome).toBe('succeeded');
    expect(bed.current(0)).toBe(before);
    expect(undo.message).toMatch(/took over the lock on .*host-3/);
    expect(existsSync(lockOn(0))).toBe(false);
    expect(existsSync(lockOn(2))).toBe(false);
    expect(readFileSync(join(bed.appDir(2), '.fleetdeck', 'takeovers.log'), 'utf8')).toContain(`(deploy shop ${release})`);
    // The dead console's run, still paused in this process, ends (its connections are gone).
    control.act('abort');
    await dead.catch(() => undefined);
  });
});
