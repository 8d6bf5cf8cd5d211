import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopDaemon } from '../../../e2e/fleet/fleet';
import type { Host } from '../../../shared/fleet/model';
import type { SshPool } from '../ssh/pool';
import { DeployControl } from './deployControl';
import { runDeploy, type DeployEvent, type DeployResult } from './deployRunner';
import { deployTestBed, nextSecond, stepsOf, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';

// The buttons and the faults of a deploy, against four real test hosts (127.0.121.x): pause and
// resume, abort, abort and roll back, resuming an aborted deploy, undoing it, a folder and a
// tarball as the source, and a host whose sshd dies in the middle of a wave.

describe('deploy control and faults', () => {
  let bed: DeployTestBed;
  let dir: string, pool: SshPool, hosts: Host[], commits: DeployTestBed['commits'];
  const spec = (extra: Record<string, unknown> = {}) => bed.spec({ keep_releases: 4, ...extra });
  const appDir = (h: number) => bed.appDir(h);
  const current = (h: number) => bed.current(h);
  const page = (h: number) => bed.page(h);

  beforeAll(async () => {
    bed = await deployTestBed(121);
    ({ dir, pool, hosts, commits } = bed);
  });
  afterAll(() => bed?.dispose());

  it('a first deploy that fails its health check leaves the canary on it, and says there was nothing to go back to', async () => {
    const result = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'v3-broken', user: 'alice', control: new DeployControl() }, () => undefined);
    expect(result.outcome).toBe('rolled back');
    expect(result.message).toContain(`host-1 had no earlier release to go back to and stays on ${result.release}; hosts not yet switched kept theirs.`);
    expect(result.message).not.toMatch(/0 switched hosts/);
    expect(current(0)).toBe(`releases/${result.release}`);
  });

  let first = '';
  it('pause holds the next step until resume; the deploy then ends as usual', async () => {
    await nextSecond();
    const control = new DeployControl();
    const events: DeployEvent[] = [];
    let pausedAt = -1;
    const result = runDeploy(pool, { app: 'shop', spec: spec(), hosts, user: 'alice', control }, (e) => {
      events.push(e);
      if (pausedAt < 0 && e.type === 'wave' && e.index === 0 && e.state === 'ok') {
        control.act('pause');
        pausedAt = events.length;
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    // Paused after the canary: nothing of wave 2 started.
    expect(pausedAt).toBeGreaterThan(0);
    expect(events.slice(pausedAt).filter((e) => e.type === 'step' && e.state === 'running')).toEqual([]);
    expect(control.act('resume')).toBe(true);
    const done = await result;
    expect(done.outcome).toBe('succeeded');
    first = done.release;
    for (let h = 0; h < 4; h++) expect(current(h)).toBe(`releases/${first}`);
  });

  let aborted: DeployResult;
  it('abort stops after the running steps: switched hosts keep the new release, the others theirs, locks are freed', async () => {
    await nextSecond();
    const control = new DeployControl();
    const events: DeployEvent[] = [];
    aborted = await runDeploy(pool, { app: 'shop', spec: spec({ bake: '2s' }), hosts, ref: 'v4', user: 'alice', control }, (e) => {
      events.push(e);
      if (e.type === 'step' && e.step === 'switch' && e.state === 'ok' && e.host === 'host-2') control.act('abort');
    });
    expect(aborted.outcome).toBe('aborted');
    expect(aborted.message).toMatch(/2 hosts run \d{14} \(host-1, host-2\); the others kept their release/);
    // The host switched when the abort came was still restarted: it runs what current says.
    expect(stepsOf(events, 'restart')).toEqual(['host-1', 'host-2']);
    expect(await page(1)).toContain('sample app v4');
    expect(current(2)).toBe(`releases/${first}`);
    expect(await page(3)).toContain('sample app v2');
    for (let h = 0; h < 4; h++) expect(() => readlinkSync(join(appDir(h), '.fleetdeck', 'lock'))).toThrow();
    expect(aborted.previous).toEqual({ 'host-1': first, 'host-2': first, 'host-3': first, 'host-4': first });
  });

  it('resuming the aborted deploy re-uses what was prepared and only checks the hosts already on it', async () => {
    const events: DeployEvent[] = [];
    const resumed = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, kind: 'deploy', release: aborted.release, ref: 'v4', previous: aborted.previous, user: 'alice' }, (e) => events.push(e));
    expect(resumed.outcome).toBe('succeeded');
    expect(stepsOf(events, 'switch').sort()).toEqual(['host-3', 'host-4']);
    expect(stepsOf(events, 'health').sort()).toEqual(['host-1', 'host-2', 'host-3', 'host-4']);
    for (let h = 0; h < 4; h++) expect(await page(h)).toContain('sample app v4');
  });

  it('undo sends every host on a release back to the one it had before', async () => {
    const undone = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, kind: 'undo', release: aborted.release, user: 'bob' });
    expect(undone.outcome).toBe('succeeded');
    for (let h = 0; h < 4; h++) {
      expect(current(h)).toBe(`releases/${first}`);
      expect(await page(h)).toContain('sample app v2');
      expect(readFileSync(join(appDir(h), 'revisions.log'), 'utf8').trim().split('\n').at(-1)).toBe(`bob rolled back to release ${first}`);
    }
    // The undone release stays on the hosts: it can be resumed again.
    expect(readFileSync(join(appDir(0), 'releases', aborted.release, 'REVISION'), 'utf8').trim()).toBe(commits.v4);
  });

  it('abort and roll back sends the switched hosts back, each to its own previous release', async () => {
    await nextSecond();
    const control = new DeployControl();
    const events: DeployEvent[] = [];
    const result = await runDeploy(pool, { app: 'shop', spec: spec({ bake: '3s' }), hosts, ref: 'v4', user: 'alice', control }, (e) => {
      events.push(e);
      if (e.type === 'step' && e.step === 'health' && e.state === 'running' && e.host === 'host-2') control.act('abort-rollback');
    });
    expect(result.outcome).toBe('aborted');
    expect(result.message).toMatch(/2 switched hosts went back to their previous release/);
    expect(stepsOf(events, 'switch')).toEqual(['host-1', 'host-2']);
    for (let h = 0; h < 4; h++) {
      expect(current(h)).toBe(`releases/${first}`);
      expect(await page(h)).toContain('sample app v2');
    }
  });

  it('deploys a local folder and a tarball, uploaded over SFTP; the revision is the content hash', async () => {
    await nextSecond();
    execFileSync('git', ['-C', join(dir, 'repo'), 'checkout', '-q', 'v1']);
    const folder = await runDeploy(pool, { app: 'shop', spec: spec({ source: { dir: join(dir, 'repo') } }), hosts, user: 'alice' });
    expect(folder.outcome).toBe('succeeded');
    expect(await page(3)).toContain('sample app v1');
    const revision = readFileSync(join(appDir(3), 'releases', folder.release, 'REVISION'), 'utf8').trim();
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
    expect(readFileSync(join(appDir(3), 'revisions.log'), 'utf8').trim().split('\n').at(-1)).toBe(`Branch dir (at ${revision}) deployed as release ${folder.release} by alice`);
    // Nothing of the upload is left behind, and .git was not shipped.
    expect(readFileSync(join(appDir(3), 'releases', folder.release, 'VERSION'), 'utf8')).toBe('v1\n');
    expect(() => readFileSync(join(appDir(3), 'releases', folder.release, '.git', 'HEAD'))).toThrow();

    await nextSecond();
    execFileSync('git', ['-C', join(dir, 'repo'), 'checkout', '-q', 'v4']);
    execFileSync('tar', ['-czf', join(dir, 'shop.tar.gz'), '--exclude=.git', '-C', join(dir, 'repo'), '.']);
    const tarball = await runDeploy(pool, { app: 'shop', spec: spec({ source: { tarball: 'shop.tar.gz' } }), hosts, user: 'alice', baseDir: dir });
    expect(tarball.outcome).toBe('succeeded');
    expect(await page(0)).toContain('sample app v4');
    execFileSync('git', ['-C', join(dir, 'repo'), 'checkout', '-q', 'main']);
  });

  it('a host whose sshd dies in the middle of a wave fails that wave; switched hosts go back, the message names the host', async () => {
    await nextSecond();
    const before = current(0);
    let killed = false;
    const result = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'v2', user: 'alice' }, (e) => {
      if (!killed && e.type === 'wave' && e.index === 2 && e.state === 'running') {
        killed = true;
        void stopDaemon(dir, 'host-4', 'sshd');
      }
    });
    expect(killed).toBe(true);
    expect(result.outcome).toBe('rolled back');
    expect(result.message).toMatch(/Wave 3 failed \(.*host-4/);
    for (let h = 0; h < 3; h++) {
      expect(current(h)).toBe(before);
      expect(await page(h)).toContain('sample app v4');
    }
    // host-4 could not be reached: it kept its release, and its lock stays, saying who held it.
    expect(current(3)).toBe(before);
    expect(result.message).toMatch(/The deploy lock could not be removed on host-4/);
    expect(readFileSync(join(appDir(3), '.fleetdeck', 'lock', 'holder'), 'utf8')).toMatch(/^alice@.* \(deploy shop \d{14}\)\n$/);
    await bed.restore();
  });
});
