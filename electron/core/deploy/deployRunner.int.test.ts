import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../shared/fleet/model';
import type { SshPool } from '../ssh/pool';
import { runDeploy, type DeployEvent } from './deployRunner';
import { deployTestBed, nextSecond, stepsOf, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';

// Deploys of the sample app to four real test hosts (127.0.120.x) over SSH, in Capistrano's
// layout: waves, the health gate, automatic rollback of a broken release, rollback on request.

describe('deploys', () => {
  let bed: DeployTestBed;
  let dir: string, pool: SshPool, hosts: Host[], commits: DeployTestBed['commits'];
  const spec = (extra: Record<string, unknown> = {}) => bed.spec({ keep_releases: 3, ...extra });
  const appDir = (h: number) => bed.appDir(h);
  const current = (h: number) => bed.current(h);
  const page = (h: number) => bed.page(h);

  beforeAll(async () => {
    bed = await deployTestBed(120);
    ({ dir, pool, hosts, commits } = bed);
  });
  afterAll(() => bed?.dispose());

  let first = '';
  it('deploys in waves into the Capistrano layout, one release id everywhere', async () => {
    const events: DeployEvent[] = [];
    const result = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, user: 'alice' }, (e) => events.push(e));
    expect(result).toMatchObject({ outcome: 'succeeded' });
    first = result.release;
    expect(events.filter((e) => e.type === 'wave' && e.state === 'ok').map((e) => (e as { hosts: string[] }).hosts.length)).toEqual([1, 1, 2]);
    for (let h = 0; h < 4; h++) {
      expect(current(h)).toBe(`releases/${first}`);
      expect(readFileSync(join(appDir(h), 'releases', first, 'REVISION'), 'utf8').trim()).toBe(commits.v2);
      expect(readFileSync(join(appDir(h), 'revisions.log'), 'utf8')).toBe(`Branch v2 (at ${commits.v2}) deployed as release ${first} by alice\n`);
      expect(await page(h)).toContain(`sample app v2 at ${commits.v2} on host-${h + 1}`);
      expect(existsSync(join(appDir(h), '.fleetdeck', 'lock'))).toBe(false);
    }
  });

  it('rolls the canary back when a broken release fails its health gate; the others never switch', async () => {
    await nextSecond();
    const events: DeployEvent[] = [];
    const result = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'v3-broken', user: 'alice' }, (e) => events.push(e));
    expect(result.outcome).toBe('rolled back');
    expect(result.message).toMatch(/Wave 1 failed .*health of host-1 failed: .*answered 500/);
    expect(events.filter((e) => e.type === 'step' && e.step === 'switch' && e.state === 'ok').map((e) => (e as { host: string }).host)).toEqual(['host-1']);
    for (let h = 0; h < 4; h++) {
      expect(current(h)).toBe(`releases/${first}`);
      expect(await page(h)).toContain('sample app v2');
    }
    // Prepared everywhere, so a re-run would reuse it; the log names only good deploys.
    expect(readdirSync(join(appDir(3), 'releases'))).toContain(result.release);
    expect(readFileSync(join(appDir(0), 'revisions.log'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('deploys the next release, then rolls back to the first on request', async () => {
    await nextSecond();
    const v4 = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'v4', user: 'alice' });
    expect(v4.outcome).toBe('succeeded');
    expect(await page(2)).toContain('sample app v4');
    const back = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, release: first, user: 'bob' });
    expect(back.outcome).toBe('succeeded');
    for (let h = 0; h < 4; h++) {
      expect(current(h)).toBe(`releases/${first}`);
      expect(await page(h)).toContain('sample app v2');
      expect(readFileSync(join(appDir(h), 'revisions.log'), 'utf8').trim().split('\n').at(-1)).toBe(`bob rolled back to release ${first}`);
    }
  });

  it('refuses to start while another holder has the lock, and changes nothing', async () => {
    mkdirSync(join(appDir(2), '.fleetdeck', 'lock'), { recursive: true });
    writeFileSync(join(appDir(2), '.fleetdeck', 'lock', 'holder'), 'carol@laptop\n');
    try {
      const result = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'v4', user: 'alice' });
      expect(result.outcome).toBe('failed');
      expect(result.message).toMatch(/Preflight failed, nothing was changed: .*host-3.*locked by carol@laptop/);
      expect(current(0)).toBe(`releases/${first}`);
      // The lock of a console that died can be taken over on purpose; the host records who did.
      const taken = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'v4', user: 'alice', takeOver: true });
      expect(taken.outcome).toBe('succeeded');
      expect(readFileSync(join(appDir(2), '.fleetdeck', 'takeovers.log'), 'utf8')).toMatch(/^alice@.* took over the lock of carol@laptop, taken \d+ s ago, no heartbeat \(live\)\n$/);
    } finally {
      rmSync(join(appDir(2), '.fleetdeck', 'lock'), { recursive: true, force: true });
    }
  });

  it('finds a bad git ref in preflight, before any host is locked, and says it once', async () => {
    const events: DeployEvent[] = [];
    const result = await runDeploy(pool, { app: 'shop', spec: spec(), hosts, ref: 'no-such-ref', user: 'alice' }, (e) => events.push(e));
    const why = `no-such-ref is not a branch or tag of ${join(dir, 'repo')}`;
    expect(result).toMatchObject({ outcome: 'failed', message: `Preflight failed, nothing was changed: preflight on host-1 failed (exit 7): ${why}` });
    expect(stepsOf(events, 'lock', 'running')).toEqual([]);
    const failed = events.filter((e) => e.type === 'step' && e.state === 'failed');
    expect(failed).toEqual([expect.objectContaining({ host: 'host-1', step: 'preflight', output: `${why}\n` })]);
    for (let h = 0; h < 4; h++) expect(existsSync(join(appDir(h), '.fleetdeck', 'lock'))).toBe(false);
  });
});
