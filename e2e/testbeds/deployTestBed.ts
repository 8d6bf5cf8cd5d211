import { mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetDown, fleetUp, type RunningFleet } from '../fleet/fleet';
import { SAMPLE_APP_PORT, sampleAppRepo } from '../fleet/sampleApp';
import { AppSchema, type AppSpec } from '../../shared/fleet/appSchema';
import type { Host } from '../../shared/fleet/model';
import { fleetHosts } from '../fleet/fleetHosts';
import { HostKeyStore } from '../../electron/core/ssh/hostKeys';
import { SshPool } from '../../electron/core/ssh/pool';
import type { DeployEventMessage } from '../../shared/contract/deploy';
import type { DeployEvent } from '../../electron/core/deploy/deployRunner';

// What the deploy integration tests (and the deploy benchmark) stand on: real test hosts at 127.0.<octet>.x, the
// sample app's git repository, a pool that logs in to them, and ways to look at the hosts.

export interface DeployTestBed {
  dir: string;
  fleet: RunningFleet;
  pool: SshPool;
  /** Another pool to the same hosts: the connections of a second console (dispose it to make that console go away). */
  openPool(): SshPool;
  hosts: Host[];
  commits: ReturnType<typeof sampleAppRepo>;
  /** The sample app as app "shop" of the app role, with `extra` settings over the defaults. */
  spec(extra?: Record<string, unknown>): AppSpec;
  /** ~/apps/shop on host number h (0-based). */
  appDir(h: number): string;
  /** Where `current` points on host h. */
  current(h: number): string;
  /** What the app on host h answers at /. */
  page(h: number): Promise<string>;
  /** Starts daemons stopped by a test again. */
  restore(): Promise<void>;
  dispose(): Promise<void>;
}

export async function deployTestBed(octet: number, hosts = 4): Promise<DeployTestBed> {
  const dir = mkdtempSync(join(tmpdir(), `fleetdeck-deploy-${octet}-`));
  const options = { hosts, dir, nodeExporter: false, firstIndex: (octet - 10) * 254, haproxy: false };
  const fleet = await fleetUp(options).catch(async (error: unknown) => {
    // Hosts started before the failure must not outlive it.
    await fleetDown(dir);
    throw error;
  });
  mkdirSync(join(dir, 'repo'));
  const commits = sampleAppRepo(join(dir, 'repo'));
  const byName = fleetHosts(fleet.fleetFile);
  const openPool = (): SshPool => new SshPool({ lookup: (n) => byName.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null });
  const pool = openPool();
  const appDir = (h: number): string => join(fleet.hosts[h]!.dir, 'home', 'apps', 'shop');
  return {
    dir,
    fleet,
    pool,
    openPool,
    hosts: [...byName.values()],
    commits,
    spec: (extra = {}) =>
      AppSchema.parse({
        roles: ['app'],
        deploy_to: '~/apps/shop',
        source: { git: join(dir, 'repo'), ref: 'v2' },
        restart: 'bin/restart',
        health: { http: `http://{address}:${SAMPLE_APP_PORT}/health`, within: '5s' },
        waves: [1, '50%', '100%'],
        ...extra,
      }),
    appDir,
    current: (h) => readlinkSync(join(appDir(h), 'current')),
    page: async (h) => (await fetch(`http://${fleet.hosts[h]!.address}:${SAMPLE_APP_PORT}/`, { signal: AbortSignal.timeout(2000) })).text(),
    restore: async () => void (await fleetUp(options)),
    dispose: async () => {
      pool.dispose();
      await fleetDown(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Release ids are whole seconds: two deploys in one second would share one. */
export const nextSecond = (): Promise<void> => new Promise((r) => setTimeout(r, 1100));

/** The hosts on which `step` reached `state`, in order. */
export const stepsOf = (events: ReadonlyArray<DeployEvent | DeployEventMessage>, step: string, state = 'ok'): string[] => events.flatMap((e) => (e.type === 'step' && e.step === step && e.state === state ? [e.host] : []));
