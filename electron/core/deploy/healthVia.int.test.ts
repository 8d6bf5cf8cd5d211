import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, type RunningFleet } from '../../../e2e/fleet/fleet';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { SAMPLE_APP_PORT, sampleAppRepo } from '../../../e2e/fleet/sampleApp';
import { AppSchema } from '../../../shared/fleet/appSchema';
import type { Host } from '../../../shared/fleet/model';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import { tunnelsThrough } from '../status/via';
import { runDeploy } from './deployRunner';
import { nextSecond } from '../../../e2e/testbeds/deployTestBed';

// A deploy to a host behind a bastion (the test fleet's private network, root only): the health
// gate's GET goes through bastion-1's pooled connection (`via: auto`), since nothing here has a
// route to 198.18.0.x. host-1 (127.0.149.1) is only there because a fleet has loopback hosts.

describe('health gates through the bastion', () => {
  let dir: string;
  let fleet: RunningFleet;
  let pool: SshPool;
  let hosts: Map<string, Host>;
  let tunnelFor: ReturnType<typeof tunnelsThrough>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-health-via-'));
    fleet = await fleetUp({ hosts: 1, dir, privateHosts: 2, firstIndex: (149 - 10) * 254, haproxy: false, nodeExporter: false });
    mkdirSync(join(dir, 'repo'));
    sampleAppRepo(join(dir, 'repo'));
    hosts = fleetHosts(fleet.fleetFile);
    const lookup = (name: string) => hosts.get(name);
    pool = new SshPool({ lookup, hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null });
    tunnelFor = tunnelsThrough((through, address, port) => pool.forwardOut(through, address, port), lookup);
  });
  afterAll(async () => {
    pool?.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (health: Record<string, unknown>) =>
    AppSchema.parse({ roles: ['web'], deploy_to: '~/apps/shop', source: { git: join(dir, 'repo'), ref: 'v2' }, restart: 'bin/restart', health: { within: '5s', ...health }, waves: [1, '100%'] });
  const privateHosts = () => ['priv-1', 'priv-2'].map((name) => hosts.get(name)!);

  it('deploys to the private hosts, their health gates passing through the bastion', async () => {
    const result = await runDeploy(pool, { app: 'shop', spec: spec({ http: `http://{address}:${SAMPLE_APP_PORT}/health` }), hosts: privateHosts(), user: 'alice', tunnelFor });
    expect(result.message).not.toMatch(/failed/);
    expect(result.outcome).toBe('succeeded');
  });

  it('rolls back a release whose health gate the bastion cannot reach, naming the bastion', async () => {
    await nextSecond();
    const result = await runDeploy(pool, { app: 'shop', spec: spec({ http: 'http://{address}:8081/health', within: '1s' }), hosts: privateHosts(), user: 'alice', tunnelFor });
    expect(result.outcome).toBe('rolled back');
    expect(result.message).toMatch(/health of priv-1 failed: .*priv-1: bastion-1 \(its jump host\) could not reach 198\.18\.0\.1:8081: connection refused/);
  });
});
