import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, setPrivateLink, type RunningFleet } from '../../e2e/fleet/fleet';
import { fleetHosts } from '../../e2e/fleet/fleetHosts';
import { SAMPLE_APP_PORT, sampleAppRepo } from '../../e2e/fleet/sampleApp';
import { untilAsync } from '../../e2e/until';
import { AppSchema } from '../../shared/fleet/appSchema';
import type { Host } from '../../shared/fleet/model';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import { tunnelsThrough } from '../status/via';
import { runDeploy, type DeployEvent } from './deployRunner';
import { nextSecond, stepsOf } from './deployTestBed';
import { readHostReleases } from './releaseHistory';

// A real partition in the middle of a deploy (the test fleet's private network, root only): host-1
// and host-2 on loopback (127.0.190.x) and priv-1 behind bastion-1 go in waves [host-1] then
// [host-2, priv-1]; priv-1's link goes down as the second wave starts. The deploy's rules for a
// host lost mid-wave apply, as when a host's sshd dies (deployControl.int.test.ts): the wave fails
// naming priv-1 and the bastion, the switched hosts go back, priv-1 keeps its release and its lock
// (whose heartbeat stops). Once the link is back, the lock has gone stale and the next deploy
// takes it over on request and reaches every host again.
//
// The pool's keepalive is 1 s here (15 s in the console): a partition is noticed when keepalives
// go unanswered, and three of 15 s would make this test wait most of a minute for the same thing.

const FIRST_INDEX = (190 - 10) * 254;

describe('a deploy when a private host is cut off mid-wave', () => {
  let dir: string;
  let fleet: RunningFleet;
  let pool: SshPool;
  let hosts: Map<string, Host>;
  let tunnelFor: ReturnType<typeof tunnelsThrough>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-deploy-partition-'));
    fleet = await fleetUp({ hosts: 2, dir, privateHosts: 1, firstIndex: FIRST_INDEX, haproxy: false, nodeExporter: false }).catch(async (error: unknown) => {
      await fleetDown(dir);
      throw error;
    });
    mkdirSync(join(dir, 'repo'));
    sampleAppRepo(join(dir, 'repo'));
    hosts = fleetHosts(fleet.fleetFile);
    const lookup = (name: string) => hosts.get(name);
    pool = new SshPool({ lookup, hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null, keepaliveMs: 1000 });
    tunnelFor = tunnelsThrough((through, address, port) => pool.forwardOut(through, address, port), lookup);
  });
  afterAll(async () => {
    if (dir) setPrivateLinkQuietly(dir);
    pool?.dispose();
    if (dir) await fleetDown(dir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    AppSchema.parse({
      roles: ['app'],
      deploy_to: '~/apps/shop',
      source: { git: join(dir, 'repo'), ref: 'v2' },
      restart: 'bin/restart',
      health: { http: `http://{address}:${SAMPLE_APP_PORT}/health`, within: '5s' },
      waves: [1, '100%'],
      lock: { heartbeat: '1s', stale_after: '3s' },
      ...extra,
    });
  const targets = () => ['host-1', 'host-2', 'priv-1'].map((name) => hosts.get(name)!);
  const appDir = (name: string) => join(dir, 'hosts', name, 'home', 'apps', 'shop');
  const current = (name: string) => readlinkSync(join(appDir(name), 'current'));
  const deploy = (extra: Partial<Parameters<typeof runDeploy>[1]>, onEvent: (e: DeployEvent) => void = () => undefined) =>
    runDeploy(pool, { app: 'shop', spec: spec(), hosts: targets(), user: 'alice', tunnelFor, ...extra }, onEvent);

  let first = '';
  it('deploys to the loopback hosts and the private host, its health gate through the bastion', async () => {
    const result = await deploy({});
    expect(result.message).not.toMatch(/failed/);
    expect(result.outcome).toBe('succeeded');
    first = result.release;
    for (const name of ['host-1', 'host-2', 'priv-1']) expect(current(name)).toBe(`releases/${first}`);
  });

  it("fails the wave in which priv-1's link goes down, naming it and the bastion; the switched hosts go back, priv-1 keeps its release and its lock", async () => {
    await nextSecond();
    const events: DeployEvent[] = [];
    let cut = false;
    let result;
    try {
      result = await deploy({ ref: 'v4' }, (e) => {
        events.push(e);
        if (!cut && e.type === 'wave' && e.index === 1 && e.state === 'running') {
          cut = true;
          setPrivateLink(dir, 'private', false);
        }
      });
    } catch (error) {
      setPrivateLink(dir, 'private', true);
      throw error;
    }
    expect(cut).toBe(true);
    expect(result.outcome).toBe('rolled back');
    expect(result.message).toMatch(/^Wave 2 failed \(switch on priv-1 failed: .*priv-1.*bastion-1/);
    expect(stepsOf(events, 'switch', 'failed')).toEqual(['priv-1']);
    expect(stepsOf(events, 'switch')).toEqual(['host-1', 'host-2']);
    for (const name of ['host-1', 'host-2', 'priv-1']) expect(current(name)).toBe(`releases/${first}`);
    expect(result.message).toMatch(/The deploy lock could not be removed on priv-1/);
    expect(readFileSync(join(appDir('priv-1'), '.fleetdeck', 'lock', 'holder'), 'utf8')).toMatch(/^alice@.* \(deploy shop \d{14}\)\n$/);
    for (const name of ['host-1', 'host-2']) expect(existsSync(join(appDir(name), '.fleetdeck', 'lock'))).toBe(false);
  }, 120_000);

  it('once the link is back, priv-1 answers again by itself, its lock has gone stale, and the next deploy takes it over on request', async () => {
    setPrivateLink(dir, 'private', true);
    const [priv] = await untilAsync('priv-1 answering again, its lock stale', async () => {
      const read = await readHostReleases(pool, spec(), [hosts.get('priv-1')!]);
      return read[0]?.lease?.stale && read;
    }, 90_000);
    expect(priv?.current).toBe(first);
    await nextSecond();
    const refused = await deploy({ ref: 'v4' });
    expect(refused.outcome).toBe('failed');
    expect(refused.message).toMatch(/^Preflight failed, nothing was changed: .*priv-1.*\(stale\)/);
    const taken = await deploy({ ref: 'v4', takeOver: 'stale' });
    expect(taken.outcome).toBe('succeeded');
    expect(taken.message).toContain('It took over the lock on priv-1');
    for (const name of ['host-1', 'host-2', 'priv-1']) expect(current(name)).toBe(`releases/${taken.release}`);
  }, 150_000);
});

/** The private link back up, whatever the test left it as. */
function setPrivateLinkQuietly(dir: string): void {
  try {
    setPrivateLink(dir, 'private', true);
  } catch {
    // no private network (the fleet never came up)
  }
}
