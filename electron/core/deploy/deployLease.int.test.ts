import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployControl } from './deployControl';
import { runDeploy, type DeployEvent, type DeployRequest } from './deployRunner';
import { deployTestBed, nextSecond, stepsOf, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';
import { readHostReleases } from './releaseHistory';

// The deploy lock's heartbeat on two real hosts (127.0.147.x), with the app's `lock` settings made
// short (a beat a second, stale after 4 s) so that going stale takes seconds: a paused deploy keeps
// its lock live; a console that goes away mid-deploy (its SSH connections closed: no beat, no
// unlock) leaves a lock that turns stale, is refused by a plain deploy, and is taken over on
// request, recorded on the host and in the outcome; a live lock is taken only on insistence; a
// Capistrano lock (no heartbeat) is aged from when it was taken.

const HOLDER = /^alice@\S+ pid \d+ since \S+ \(deploy shop \d{14}\)$/;

describe('deploy lock heartbeat and stale leases', () => {
  let bed: DeployTestBed;
  const spec = () => bed.spec({ lock: { heartbeat: '1s', stale_after: '4s' } });
  const deploy = (extra: Partial<DeployRequest> = {}, events: DeployEvent[] = []) => runDeploy(bed.pool, { app: 'shop', spec: spec(), hosts: bed.hosts, user: 'alice', ...extra }, (e) => events.push(e));
  const lockFile = (h: number, name: string) => join(bed.appDir(h), '.fleetdeck', 'lock', name);
  const beatOn = (h: number) => Number(readFileSync(lockFile(h, 'heartbeat'), 'utf8'));
  const leases = async () => (await readHostReleases(bed.pool, spec(), bed.hosts)).map((r) => ({ lock: r.lock, lease: r.lease }));
  /** Starts a deploy that pauses once its canary wave is done, holding the lock on both hosts. */
  const pausedDeploy = async (pool = bed.pool, events: DeployEvent[] = []) => {
    const control = new DeployControl();
    const run = runDeploy(pool, { app: 'shop', spec: spec(), hosts: bed.hosts, ref: 'v4', user: 'alice', control }, (e) => {
      events.push(e);
      if (e.type === 'wave' && e.index === 0 && e.state === 'ok') control.act('pause');
    });
    await Promise.race([until(() => control.state === 'paused'), run.then((r) => Promise.reject(new Error(`the deploy ended before pausing: ${r.message}`)))]);
    return { control, run };
  };

  beforeAll(async () => {
    bed = await deployTestBed(147, 2);
    expect((await deploy()).outcome).toBe('succeeded');
  });
  afterAll(() => bed?.dispose());

  it('a paused deploy keeps beating: its heartbeat advances on every host and its lock stays live past the threshold', async () => {
    await nextSecond();
    const { control, run } = await pausedDeploy();
    const first = [beatOn(0), beatOn(1)];
    // Longer than stale_after, paused all along.
    await until(() => beatOn(0) >= first[0]! + 5 && beatOn(1) >= first[1]! + 5);
    for (const { lock, lease } of await leases()) {
      expect(lock).toMatch(HOLDER);
      expect(lease).toMatchObject({ heartbeat: true, stale: false });
    }
    control.act('resume');
    expect((await run).outcome).toBe('succeeded');
    expect([existsSync(lockFile(0, 'holder')), existsSync(lockFile(1, 'holder'))]).toEqual([false, false]);
  });

  it('a console gone mid-deploy leaves a lock whose heartbeat stops; it turns stale, a deploy refuses it, and takes it over on request', async () => {
    await nextSecond();
    const gone = bed.openPool();
    const dead = await pausedDeploy(gone);
    const holder = readFileSync(lockFile(0, 'holder'), 'utf8').trim();
    expect(holder).toMatch(HOLDER);
    gone.dispose();
    const lastBeat = [beatOn(0), beatOn(1)];
    await until(async () => (await leases()).every((l) => l.lease?.stale));
    // Nobody beat since the console went.
    expect([beatOn(0), beatOn(1)]).toEqual(lastBeat);
    const current = bed.current(1);

    await nextSecond();
    const refusedEvents: DeployEvent[] = [];
    const refused = await deploy({ ref: 'v2' }, refusedEvents);
    expect(refused.outcome).toBe('failed');
    expect(refused.message).toMatch(/^Preflight failed, nothing was changed: /);
    expect(refused.message).toContain(`locked by ${holder}, last heartbeat `);
    expect(refused.message).toMatch(/ s ago \(stale\)/);
    expect(refusedEvents.filter((e) => e.type === 'locked').map((e) => e.type === 'locked' && [e.host, e.holder, e.lease.stale])).toEqual(
      expect.arrayContaining([
        ['host-1', holder, true],
        ['host-2', holder, true],
      ]),
    );
    expect(bed.current(1)).toBe(current);

    const events: DeployEvent[] = [];
    const taken = await deploy({ ref: 'v2', takeOver: 'stale' }, events);
    expect(taken.outcome).toBe('succeeded');
    expect(taken.message).toContain('It took over the lock on ');
    for (const h of [0, 1]) {
      const log = readFileSync(join(bed.appDir(h), '.fleetdeck', 'takeovers.log'), 'utf8');
      expect(log).toMatch(new RegExp(`^alice@\\S+ pid ${process.pid} since \\S+ \\(deploy shop ${taken.release}\\) took over the lock of ${escape(holder)}, last heartbeat \\d+ s ago \\(stale\\)$`, 'm'));
    }
    expect(events.filter((e) => e.type === 'note').length).toBe(2);
    expect(await bed.page(1)).toContain('sample app v2');
    expect(existsSync(lockFile(1, 'holder'))).toBe(false);
    // The dead run, woken, reaches no host.
    dead.control.act('abort');
    await dead.run;
  });

  it("takes a live lock only when told to take any ('stale' and a resume refuse it), and says the take-over was of a live one", async () => {
    await nextSecond();
    const other = 'bob@desk pid 9 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)';
    mkdirSync(join(bed.appDir(1), '.fleetdeck', 'lock'));
    writeFileSync(lockFile(1, 'holder'), `${other}\n`);
    writeFileSync(lockFile(1, 'heartbeat'), `${Math.floor(Date.now() / 1000)}\n`);
    for (const takeOver of ['stale', 'console'] as const) {
      const refused = await deploy({ ref: 'v4', takeOver });
      expect(refused.outcome).toBe('failed');
      expect(refused.message).toContain(`host-2 failed: locked by ${other}, last heartbeat `);
      expect(refused.message).toMatch(/ago \(live\)$/);
    }
    const taken = await deploy({ ref: 'v4', takeOver: true });
    expect(taken.outcome).toBe('succeeded');
    expect(readFileSync(join(bed.appDir(1), '.fleetdeck', 'takeovers.log'), 'utf8')).toMatch(new RegExp(`took over the lock of ${escape(other)}, last heartbeat \\d+ s ago \\(live\\)\\n$`));
  });

  it('stops a deploy whose lock was taken over meanwhile, says why, and its unlock leaves the new holder\'s lock', async () => {
    await nextSecond();
    const events: DeployEvent[] = [];
    const { run } = await pausedDeploy(bed.pool, events);
    const newHolder = 'bob@desk pid 9 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)';
    rmSync(join(bed.appDir(1), '.fleetdeck', 'lock'), { recursive: true });
    mkdirSync(join(bed.appDir(1), '.fleetdeck', 'lock'));
    writeFileSync(lockFile(1, 'holder'), `${newHolder}\n`);
    await until(() => events.some((e) => e.type === 'note' && e.message === `The lock on host-2 is no longer this deploy's: ${newHolder} holds it now.`));
    // Paused, and never resumed: the deploy stops by itself.
    const result = await run;
    expect(result.outcome).toBe('aborted');
    expect(result.message).toMatch(`Stopped because ${newHolder} took over the lock on host-2.`);
    expect(stepsOf(events, 'unlock')).toEqual(expect.arrayContaining(['host-1', 'host-2']));
    expect(existsSync(lockFile(0, 'holder'))).toBe(false);
    expect(readFileSync(lockFile(1, 'holder'), 'utf8')).toBe(`${newHolder}\n`);
    rmSync(join(bed.appDir(1), '.fleetdeck', 'lock'), { recursive: true });
  });

  it("ages a Capistrano lock (no heartbeat) from when it was taken: live for now, stale after stale_without_heartbeat", async () => {
    const cap = 'capistrano carol@desk pid 77 since 2026-11-23T10:00:00.000Z (cap production deploy, shop)';
    const dir = join(bed.appDir(0), '.fleetdeck', 'lock');
    mkdirSync(dir);
    writeFileSync(join(dir, 'holder'), `${cap}\n`);
    expect((await leases())[0]).toEqual({ lock: cap, lease: { ageSeconds: expect.any(Number), heartbeat: false, stale: false } });
    const twoHoursAgo = Date.now() / 1000 - 7200;
    utimesSync(dir, twoHoursAgo, twoHoursAgo);
    const [old] = await leases();
    expect(old!.lease).toMatchObject({ heartbeat: false, stale: true });
    expect(old!.lease!.ageSeconds).toBeGreaterThanOrEqual(7200);
    rmSync(dir, { recursive: true });
  });
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Resolves once ok() holds (looked at every 100 ms); the test's time limit bounds it. */
async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 100));
}
