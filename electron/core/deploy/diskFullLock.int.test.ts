import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCapProject, type CapProject } from '../../../e2e/fleet/capistrano';
import { deployTestBed, type DeployTestBed } from '../../../e2e/testbeds/deployTestBed';
import { lockScript } from './hostSteps';

// Taking the deploy lock on a host whose deploy_to is full (127.0.196.x, one host whose ~/apps/shop
// is a 2 MB tmpfs of its own, filled to the last block): mkdir of the lock's directory gets
// through, writing its holder does not. Found by the fault drill (npm run bench -- faults, a full
// disk while a `cap deploy` ran): the lock was left without a holder, nobody's to remove, and every
// later deploy stopped at "locked by". Both takers now give the directory back and say why.
// Root only (mount), like the drill; CI runs as root.

describe('the deploy lock on a full disk', () => {
  let bed: DeployTestBed;
  let cap: CapProject;
  let appDir = '';
  const lockDir = () => join(appDir, '.fleetdeck', 'lock');

  beforeAll(async () => {
    bed = await deployTestBed(196, 1);
    cap = writeCapProject({ dir: join(bed.dir, 'cap'), fleetDir: bed.dir, addresses: [bed.fleet.hosts[0]!.address], repo: join(bed.dir, 'repo'), branch: 'v2', fleetdeckLock: true });
    appDir = bed.appDir(0);
    mkdirSync(appDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0755', 'tmpfs', appDir]);
    mkdirSync(join(appDir, '.fleetdeck'));
    // dd stops at ENOSPC: the filesystem is then full to the last block.
    execFileSync('sh', ['-c', 'dd if=/dev/zero of="$1" bs=64k 2>/dev/null || true', 'fill', join(appDir, 'fill')]);
  });
  afterAll(async () => {
    if (appDir) execFileSync('umount', ['-l', appDir]);
    await bed?.dispose();
  });

  it("Fleetdeck's lock step removes the lock it could not write its holder into, and says the disk may be full", async () => {
    let stderr = '';
    const { code } = await bed.pool.exec(bed.hosts[0]!.name, lockScript({ deployTo: '~/apps/shop', release: '20261207000000' }, 'alice@desk pid 1 since now (deploy shop 20261207000000)'), {
      onStderr: (c) => (stderr += c.toString()),
    });
    expect(code).toBe(4);
    expect(stderr).toContain("could not write the lock's holder in ~/apps/shop/.fleetdeck/lock, so the lock was not taken: is the disk full? (df -h ~/apps/shop)");
    expect(existsSync(lockDir())).toBe(false);
  });

  it('the Capistrano plugin does the same, and says so apart from a lock someone holds', async () => {
    const said = await cap.cap('deploy', { USER: 'carol' }).then(
      (out) => Promise.reject(new Error(`cap deploy succeeded:\n${out}`)),
      (error: Error) => error.message,
    );
    expect(said).toContain("Fleetdeck's deploy lock could not be taken, so this cap run stopped before changing anything");
    expect(said).toContain(`${bed.fleet.hosts[0]!.address}: could not write the lock's holder in ~/apps/shop/.fleetdeck/lock (is the disk full? df -h ~/apps/shop)`);
    expect(said).not.toContain('is held by');
    expect(existsSync(lockDir())).toBe(false);
  });

  it('with space again, the same step takes the lock with its holder and heartbeat', async () => {
    rmSync(join(appDir, 'fill'));
    const { code } = await bed.pool.exec(bed.hosts[0]!.name, lockScript({ deployTo: '~/apps/shop', release: '20261207000000' }, 'alice@desk pid 1 since now (deploy shop 20261207000000)'));
    expect(code).toBe(0);
    expect(existsSync(join(lockDir(), 'holder'))).toBe(true);
    expect(existsSync(join(lockDir(), 'heartbeat'))).toBe(true);
  });
});
