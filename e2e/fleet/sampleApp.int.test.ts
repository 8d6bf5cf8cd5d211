import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetHosts } from './fleetHosts';
import { HostKeyStore } from '../../electron/core/ssh/hostKeys';
import { SshPool } from '../../electron/core/ssh/pool';
import { untilAsync } from '../until';
import { fleetDown, fleetUp, type RunningFleet } from './fleet';
import { SAMPLE_APP_PORT, sampleAppRepo } from './sampleApp';

// The sample app on a real test host (127.0.115.x): a release unpacked from its git repository,
// started by its restart script over SSH, healthy or not as its version says, and stopped by
// fleetDown although it outlived the SSH session that started it.

describe('the sample app', () => {
  let dir: string;
  let fleet: RunningFleet;
  let pool: SshPool;
  let commits: ReturnType<typeof sampleAppRepo>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-app-'));
    // The hosts live below an ES-module project, as the demo's do (its fleet is in the repo).
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    fleet = await fleetUp({ hosts: 1, dir, nodeExporter: false, firstIndex: (115 - 10) * 254, haproxy: false });
    mkdirSync(join(dir, 'repo'));
    commits = sampleAppRepo(join(dir, 'repo'));
    const [host] = fleetHosts(fleet.fleetFile).values();
    pool = new SshPool({ lookup: () => host, hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null });
  });
  afterAll(async () => {
    pool?.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Unpacks a version as a Capistrano-style release and points current at it. */
  function release(version: keyof typeof commits, id: string): void {
    const app = join(fleet.hosts[0]!.dir, 'home', 'apps', 'shop');
    const rel = join(app, 'releases', id);
    mkdirSync(rel, { recursive: true });
    execFileSync('/bin/sh', ['-c', `git -C '${join(dir, 'repo')}' archive ${version} | tar -x -C '${rel}'`]);
    writeFileSync(join(rel, 'REVISION'), `${commits[version]}\n`);
    rmSync(join(app, 'current'), { force: true });
    symlinkSync(join('releases', id), join(app, 'current'));
  }
  const get = async (path: string) => {
    const res = await fetch(`http://${fleet.hosts[0]!.address}:${SAMPLE_APP_PORT}${path}`, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, text: await res.text() };
  };

  it('has four versions, the third broken', () => {
    expect(Object.keys(commits)).toEqual(['v1', 'v2', 'v3-broken', 'v4']);
    expect(new Set(Object.values(commits)).size).toBe(4);
  });

  it('runs the current release on the host and restarts into the next', async () => {
    release('v2', '20261123000001');
    expect((await pool.exec('host-1', 'cd ~/apps/shop/current && bin/restart')).code).toBe(0);
    const ok = await untilAsync('the app to answer', () => get('/'), 10_000);
    expect(ok.text).toMatch(/sample app v2 at [0-9a-f]{40} on host-1/);
    expect((await get('/health')).status).toBe(200);

    release('v3-broken', '20261123000002');
    expect((await pool.exec('host-1', 'cd ~/apps/shop/current && bin/restart')).code).toBe(0);
    await untilAsync('v3 to answer', () => get('/').then((r) => r.text.includes('v3-broken')), 10_000);
    expect(await get('/health')).toEqual({ status: 500, text: 'database unreachable\n' });
  });

  it('is stopped by fleetDown, though it outlived its SSH session', async () => {
    const pid = Number(readFileSync(join(fleet.hosts[0]!.dir, 'home', 'apps', 'shop', 'shared', 'tmp', 'pids', 'app.pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).not.toThrow();
    pool.dispose();
    await fleetDown(dir);
    await untilAsync('the app to stop', async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 10_000);
  });
});
