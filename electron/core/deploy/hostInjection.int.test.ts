import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from './deployRunner';
import { deployTestBed, nextSecond, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';
import { readHostReleases } from './releaseHistory';

// What a host answers, or a fleet file names, never runs as shell on real test hosts (127.0.174.x):
// a `current` link someone pointed at a name that is shell, a deploy record naming such a
// "previous release", a linked file named like a command substitution. Each payload would create
// a file named pwned-* in the deploy folder if it ran; none may.

describe('values that are shell never run as shell', () => {
  let bed: DeployTestBed;
  let first = '';

  /** Every file named pwned-* in the test hosts' folders. */
  const pwned = (): string[] =>
    bed.fleet.hosts.flatMap((h) => (readdirSync(h.dir, { recursive: true }) as string[]).filter((f) => f.split('/').at(-1)!.startsWith('pwned-')));

  beforeAll(async () => {
    bed = await deployTestBed(174, 2);
    const result = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, user: 'alice' });
    expect(result.outcome).toBe('succeeded');
    first = result.release;
  });
  afterAll(() => bed?.dispose());

  it('refuses a host whose current points at a name that is not a release, and runs nothing of it', async () => {
    await nextSecond();
    const evil = '$(touch pwned-current)';
    const dir = bed.appDir(0);
    mkdirSync(join(dir, 'releases', evil));
    writeFileSync(join(dir, 'releases', evil, 'REVISION'), 'x\n');
    rmSync(join(dir, 'current'));
    symlinkSync(`releases/${evil}`, join(dir, 'current'));
    try {
      // A broken release fails its health gate on the canary, which would go back to "its previous release".
      const result = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, ref: 'v3-broken', user: 'alice' });
      expect(result.outcome).toBe('failed');
      expect(result.message).toContain(`Preflight failed, nothing was changed: preflight on host-1 failed: current points at "releases/${evil}", which is not a release`);
      expect(result.message).toContain('ln -sfn releases/<id> current');
      expect(bed.current(0)).toBe(`releases/${evil}`);
      expect(bed.current(1)).toBe(`releases/${first}`);
      // The Releases view says the same of that host.
      const seen = await readHostReleases(bed.pool, bed.spec(), bed.hosts);
      expect(seen[0]).toMatchObject({ host: 'host-1', current: null, error: expect.stringContaining('is not a release') });
      expect(seen[1]).toMatchObject({ host: 'host-2', current: first, error: null });
      expect(pwned()).toEqual([]);
    } finally {
      rmSync(join(dir, 'current'));
      symlinkSync(`releases/${first}`, join(dir, 'current'));
      rmSync(join(dir, 'releases', evil), { recursive: true });
    }
  });

  it('refuses a deploy record whose previous release is not a release id (undo, resume)', async () => {
    const evil = '$(touch pwned-record)';
    for (const kind of ['undo', 'deploy'] as const) {
      const result = await runDeploy(bed.pool, { app: 'shop', spec: bed.spec(), hosts: bed.hosts, kind, release: first, previous: { 'host-1': evil, 'host-2': `x; touch pwned-semicolon` }, user: 'alice' });
      expect(result.outcome).toBe('failed');
      expect(result.message).toMatch(/^The deploy record names "\$\(touch pwned-record\)" for host-1, "x; touch pwned-semicolon" for host-2 as the previous release, which is not a release id/);
    }
    expect([bed.current(0), bed.current(1)]).toEqual([`releases/${first}`, `releases/${first}`]);
    expect(pwned()).toEqual([]);
  });

  it('quotes a linked file named like a command substitution', async () => {
    const spec = bed.spec({ linked_files: ['$(touch pwned-linked)'] });
    const missing = await runDeploy(bed.pool, { app: 'shop', spec, hosts: bed.hosts, user: 'alice' });
    expect(missing.outcome).toBe('failed');
    expect(missing.message).toContain('linked file shared/$(touch pwned-linked) is missing');
    expect(pwned()).toEqual([]);
    // Present, it is linked into the release under its own name.
    for (let h = 0; h < 2; h++) writeFileSync(join(bed.appDir(h), 'shared', '$(touch pwned-linked)'), 'secret\n');
    await nextSecond();
    const deployed = await runDeploy(bed.pool, { app: 'shop', spec, hosts: bed.hosts, user: 'alice' });
    expect(deployed.outcome).toBe('succeeded');
    expect(existsSync(join(bed.appDir(0), 'releases', deployed.release, '$(touch pwned-linked)'))).toBe(true);
    expect(pwned()).toEqual([]);
  });
});
