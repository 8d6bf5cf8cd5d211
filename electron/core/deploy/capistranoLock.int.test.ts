import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCapProject, type CapProject } from '../../../e2e/fleet/capistrano';
import { releaseId } from '../../../shared/deploy/release';
import { DeployControl } from './deployControl';
import { runDeploy, type DeployEvent } from './deployRunner';
import { deployTestBed, nextSecond, stepsOf, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';
import { readHostReleases } from './releaseHistory';

// Debian's `cap` with the plugin Fleetdeck ships (capistrano/fleetdeck_lock.rake) and Fleetdeck on
// the same two hosts (127.0.144.x): neither deploys while the other holds the lock, and cap gives
// the lock back after a deploy that succeeded, one that failed, a rollback that failed and a Ctrl-C;
// `cap fleetdeck:unlock` removes only a cap run's lock. Resuming a deploy whose console died
// (takeOver 'console') takes over that deploy's own lock, not cap's.

describe('Capistrano and Fleetdeck share the deploy lock', () => {
  let bed: DeployTestBed;
  let cap: CapProject;
  const capEnv = { USER: 'carol' };
  const currents = () => [bed.current(0), bed.current(1)];
  const releases = (h: number) => readdirSync(join(bed.appDir(h), 'releases')).sort();
  const lockOn = (h: number) => existsSync(join(bed.appDir(h), '.fleetdeck', 'lock'));
  const capFails = (task: string, env: Record<string, string> = {}) =>
    cap.cap(task, { ...capEnv, ...env }).then(
      (out) => Promise.reject(new Error(`cap ${task} succeeded:\n${out}`)),
      (error: Error) => error.message,
    );
  /** Starts `cap deploy`; resolves, with its run, once it waits at its gate (holding the lock). */
  const capAtGate = async (gate: string): Promise<{ run: Promise<string> }> => {
    const run = cap.cap('deploy', { ...capEnv, CAP_GATE: gate });
    await Promise.race([until(() => existsSync(`${gate}.reached`)), run.then((out) => Promise.reject(new Error(`cap ended before its gate:\n${out}`)))]);
    return { run };
  };

  beforeAll(async () => {
    bed = await deployTestBed(144, 2);
    cap = writeCapProject({ dir: join(bed.dir, 'cap'), fleetDir: bed.dir, addresses: bed.fleet.hosts.map((h) => h.address), repo: join(bed.dir, 'repo'), branch: 'v2', fleetdeckLock: true });
    expect((await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, user: 'alice' })).outcome).toBe('succeeded');
  });
  afterAll(() => bed?.dispose());

  it('refuses `cap deploy` and `cap deploy:rollback` while a Fleetdeck deploy holds the lock, naming the holder; current stays', async () => {
    await nextSecond();
    const control = new DeployControl();
    const events: DeployEvent[] = [];
    const ours = runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, ref: 'v4', user: 'alice', control }, (e) => {
      events.push(e);
      if (e.type === 'wave' && e.index === 0 && e.state === 'ok') control.act('pause');
    });
    await until(() => control.state === 'paused');
    // Mid-way: the canary runs the new release, host-2 the old one.
    const before = currents();
    expect(before[0]).not.toBe(before[1]);
    const releasesBefore = [releases(0), releases(1)];

    for (const task of ['deploy', 'deploy:rollback']) {
      const said = await capFails(task);
      expect(said).toContain("Fleetdeck's deploy lock is held, so this cap run stopped before changing anything");
      for (const host of bed.fleet.hosts) expect(said).toMatch(new RegExp(`${host.address.replace(/\./g, '\\.')}: ~/apps/shop/\\.fleetdeck/lock is held by alice@\\S+ pid ${process.pid} since \\S+ \\(deploy shop \\d{14}\\)`));
      expect(said).toContain('Wait for that Fleetdeck deploy to end and run cap again; if that console died, take the lock over in Fleetdeck');
      expect(currents()).toEqual(before);
      expect([releases(0), releases(1)]).toEqual(releasesBefore);
      // cap gave back nothing it did not take: Fleetdeck's lock is still there.
      expect([lockOn(0), lockOn(1)]).toEqual([true, true]);
    }

    control.act('resume');
    const done = await ours;
    expect(done.outcome).toBe('succeeded');
    expect(currents()).toEqual([`releases/${done.release}`, `releases/${done.release}`]);
    expect([lockOn(0), lockOn(1)]).toEqual([false, false]);
  });

  it('refuses a Fleetdeck deploy at preflight while `cap deploy` holds the lock, naming Capistrano; cap then ends and gives it back', async () => {
    await nextSecond();
    const gate = join(bed.dir, 'cap-gate');
    const before = currents();
    const capRun = (await capAtGate(gate)).run;

    const events: DeployEvent[] = [];
    const refused = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, ref: 'v1', user: 'alice' }, (e) => events.push(e));
    expect(refused.outcome).toBe('failed');
    const capHolder = /locked by capistrano carol@\S+ pid \d+ since \S+ \(cap production deploy, shop\)/;
    expect(refused.message).toMatch(/^Preflight failed, nothing was changed: /);
    expect(refused.message.split('; ').every((m) => capHolder.test(m))).toBe(true);
    expect(stepsOf(events, 'lock', 'running')).toEqual([]);
    // Resuming a deploy whose console died takes over that console's lock, never a cap run's.
    const resumed = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, ref: 'v1', user: 'alice', takeOver: 'console' });
    expect(resumed.outcome).toBe('failed');
    expect(resumed.message).toMatch(capHolder);
    // Releases shows who holds it.
    for (const r of await readHostReleases(bed.pool, bed.spec(), bed.hosts)) expect(r.lock).toMatch(/^capistrano carol@/);
    expect(currents()).toEqual(before);

    writeFileSync(gate, '');
    await capRun;
    expect(currents()[0]).not.toEqual(before[0]);
    expect(await bed.page(0)).toContain('sample app v2');
    expect([lockOn(0), lockOn(1)]).toEqual([false, false]);
  });

  it('gives the lock back after a cap deploy that failed and after a cap rollback that failed', async () => {
    await nextSecond();
    const before = currents();
    expect(await capFails('deploy', { BRANCH: 'no-such-branch' })).toMatch(/no-such-branch/);
    expect([lockOn(0), lockOn(1)]).toEqual([false, false]);
    // Capistrano runs no deploy:failed for a rollback: the plugin gives the lock back as cap exits.
    expect(await capFails('deploy:rollback', { ROLLBACK_RELEASE: '19990101000000' })).toMatch(/release 19990101000000 does not exist/);
    expect([lockOn(0), lockOn(1)]).toEqual([false, false]);
    expect(currents()).toEqual(before);
    expect(readFileSync(join(bed.appDir(0), 'revisions.log'), 'utf8')).not.toMatch(/no-such-branch|19990101000000/);
  });

  it('gives the lock back when cap is interrupted (Ctrl-C) while it holds it', async () => {
    await nextSecond();
    const gate = join(bed.dir, 'cap-gate-interrupted');
    const before = currents();
    const capRun = (await capAtGate(gate)).run.then(
      () => 'succeeded',
      (error: Error) => error.message,
    );
    const pid = Number(/ pid (\d+) /.exec(readFileSync(join(bed.appDir(0), '.fleetdeck', 'lock', 'holder'), 'utf8'))![1]);
    process.kill(pid, 'SIGINT');
    expect(await capRun).toMatch(/Interrupt/);
    expect([lockOn(0), lockOn(1)]).toEqual([false, false]);
    expect(currents()).toEqual(before);
  });

  it('`cap fleetdeck:unlock` removes the lock a killed cap run left, never a Fleetdeck console\'s', async () => {
    const holders = ['capistrano dave@gone pid 1 since 2026-11-23T10:00:00.000Z (cap production deploy, shop)', 'bob@gone pid 1 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)'];
    holders.forEach((holder, h) => {
      mkdirSync(join(bed.appDir(h), '.fleetdeck', 'lock'));
      writeFileSync(join(bed.appDir(h), '.fleetdeck', 'lock', 'holder'), `${holder}\n`);
    });
    await cap.cap('fleetdeck:unlock', capEnv);
    expect([lockOn(0), lockOn(1)]).toEqual([false, true]);
    rmSync(join(bed.appDir(1), '.fleetdeck', 'lock'), { recursive: true });
  });

  it("takes over, when resuming, the lock its own Fleetdeck console left", async () => {
    await nextSecond();
    // Not stale yet (the console died a moment ago), but the holder names the release it resumes.
    const release = releaseId(new Date());
    const left = `bob@gone pid 1 since 2026-11-23T10:00:00.000Z (deploy shop ${release})`;
    for (const h of [0, 1]) {
      mkdirSync(join(bed.appDir(h), '.fleetdeck', 'lock'));
      writeFileSync(join(bed.appDir(h), '.fleetdeck', 'lock', 'holder'), `${left}\n`);
    }
    const resumed = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, kind: 'deploy', release, ref: 'v4', user: 'alice', takeOver: 'console' });
    expect(resumed.outcome).toBe('succeeded');
    expect(readFileSync(join(bed.appDir(1), '.fleetdeck', 'takeovers.log'), 'utf8')).toContain(`took over the lock of ${left}`);
    expect([lockOn(0), lockOn(1)]).toEqual([false, false]);
  });
});

/** Resolves once ok() holds (looked at every 50 ms). */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 50));
}
