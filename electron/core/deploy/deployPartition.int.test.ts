import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPrivateLink } from '../../../e2e/fleet/fleet';
import { untilAsync } from '../../../e2e/until';
import { runDeploy, type DeployEvent } from './deployRunner';
import { deployTestBed, nextSecond, stepsOf, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';
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

describe('a deploy when a private host is cut off mid-wave', () => {
  let bed: DeployTestBed;

  beforeAll(async () => {
    bed = await deployTestBed(190, 2, { privateHosts: 1, keepaliveMs: 1000 });
  });
  afterAll(async () => {
    if (!bed) return;
    setPrivateLink(bed.dir, 'private', true);
    await bed.dispose();
  });

  const spec = () => bed.spec({ waves: [1, '100%'], lock: { heartbeat: '1s', stale_after: '3s' } });
  const targets = () => bed.hosts.filter((h) => ['host-1', 'host-2', 'priv-1'].includes(h.name));
  const appDir = (name: string) => bed.appDir(name);
  const current = (name: string) => bed.current(name);
  const deploy = (extra: Partial<Parameters<typeof runDeploy>[1]>, onEvent: (e: DeployEvent) => void = () => undefined) =>
    runDeploy(bed.pool, { app: 'shop', spec: spec(), hosts: targets(), user: 'alice', tunnelFor: bed.tunnelFor, ...extra }, onEvent);

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
          setPrivateLink(bed.dir, 'private', false);
        }
      });
    } catch (error) {
      setPrivateLink(bed.dir, 'private', true);
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
    setPrivateLink(bed.dir, 'private', true);
    const [priv] = await untilAsync('priv-1 answering again, its lock stale', async () => {
      const read = await readHostReleases(bed.pool, spec(), targets().filter((h) => h.name === 'priv-1'));
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
