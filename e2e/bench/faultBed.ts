// What the fault drill (faults.ts) stands on: direct test hosts at 127.0.193.x and private hosts
// behind a bastion, the sample app as app "shop" in three stages (staging, production, private),
// a console in browser mode driven through its own protocol as the page drives it, a few hosts
// whose deploy_to is a small tmpfs of its own (for "disk full"), and a Capistrano project with
// Fleetdeck's lock plugin on the direct app hosts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newToken } from '../../electron/serve/auth';
import { connectCore, type NodeCoreClient } from '../coreClient';
import { writeCapProject, type CapProject } from '../fleet/capistrano';
import { fleetDown, fleetUp, setPrivateLink, type FleetOptions, type RunningFleet } from '../fleet/fleet';
import { stopSampleApps } from '../fleet/sampleApp';
import { readStatusKb } from './procStats';
import { startConsole, type RunningConsole } from '../startConsole';

/** 127.0.193.x: the drill's own block, clear of the other benchmarks' and tests'. */
export const FAULTS_OCTET = 193;
/** Size of the tmpfs a disk-full host deploys to: preflight wants 100 MB free, a fill takes it. */
const TMPFS_MB = 128;
/** The poll interval of the drill's fleet file (the status check allows three of them). */
export const INTERVAL_S = 2;

export interface DrillHost {
  name: string;
  /** The app's stage it is in (its environment): staging, production or private. */
  stage: string;
  /** Its deploy_to (~/apps/shop) as a folder on this machine: what the drill checks. */
  appDir: string;
  /** Its folder (the host's "disk"): the home of its deploy user is under it. */
  hostDir: string;
  private: boolean;
  /** deploy_to is a tmpfs of its own (disk-full faults go here). */
  tmpfs: boolean;
  /** A direct app host: Capistrano deploys to it too. */
  cap: boolean;
}

export interface DrillConsole {
  client: NodeCoreClient;
  pid: number;
  /** Kills it with -9 (the drill's own kill: not counted as a crash). */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface FaultBed {
  dir: string;
  fleet: RunningFleet;
  hosts: DrillHost[];
  cap: CapProject;
  console: DrillConsole;
  /** Exits of the console that the drill did not cause, with their reason. */
  crashes: string[];
  /** Highest RSS of the console seen so far, in MB. */
  rssMb(): number;
  /** Starts a console again after kill9 (same fleet file, same data folder). */
  restartConsole(): Promise<void>;
  /** Brings every daemon a fault stopped back, and both private links up. */
  restore(): Promise<void>;
  dispose(): Promise<void>;
}

export async function faultBed(o: {
  hosts: number;
  privateHosts: number;
  tmpfsHosts: number;
  repoRoot: string;
  log: (line: string) => void;
}): Promise<FaultBed> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-faults-'));
  const options: FleetOptions = { hosts: o.hosts - o.privateHosts, dir, nodeExporter: false, haproxy: false, firstIndex: (FAULTS_OCTET - 10) * 254, sampleApp: true, privateHosts: o.privateHosts, interval: `${INTERVAL_S}s` };
  const mounts: string[] = [];
  let running: DrillConsole | null = null;
  const cleanup = async (): Promise<void> => {
    await running?.stop().catch(() => undefined);
    for (const which of ['private', 'bastion'] as const) {
      try {
        setPrivateLink(dir, which, true);
      } catch {
        // the network may be gone already
      }
    }
    await fleetDown(dir).catch((e: Error) => o.log(`fleet down: ${e.message}`));
    for (const m of mounts) execFileSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const fleet = await fleetUp(options);
    const all = [...fleet.hosts, ...(fleet.private?.hosts ?? [])];
    const text = readFileSync(fleet.fleetFile, 'utf8');
    const stages = appStageHosts(text);
    const hosts: DrillHost[] = all
      .filter((h) => stages.has(h.name))
      .map((h) => ({ name: h.name, stage: stages.get(h.name)!, hostDir: h.dir, appDir: join(h.dir, 'home', 'apps', 'shop'), private: h.name.startsWith('priv-'), tmpfs: false, cap: !h.name.startsWith('priv-') }));
    // The last direct app hosts deploy to a filesystem of their own, small enough to fill.
    for (const h of hosts.filter((x) => !x.private).slice(-o.tmpfsHosts)) {
      mkdirSync(h.appDir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MB}m,mode=0755`, 'tmpfs', h.appDir]);
      mounts.push(h.appDir);
      h.tmpfs = true;
    }
    const drillFile = join(dir, 'faults.yaml');
    writeFileSync(drillFile, drillFleetYaml(text), { mode: 0o600 });
    const cap = writeCapProject({ dir: join(dir, 'cap'), fleetDir: dir, addresses: fleet.hosts.filter((h) => hosts.some((x) => x.cap && x.name === h.name)).map((h) => h.address), repo: join(dir, 'sample-app'), branch: 'v1', keepReleases: 5, fleetdeckLock: true });
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const crashes: string[] = [];
    let rss = 0;
    const open = async (): Promise<DrillConsole> => {
      const token = newToken();
      const started: RunningConsole = await startConsole({ repoRoot: o.repoRoot, fleetFile: drillFile, dataDir, token });
      const pid = started.process.pid!;
      let expected = false;
      const exited = new Promise<void>((resolve) => started.process.once('exit', () => resolve()));
      started.process.once('exit', (code, signal) => {
        if (!expected) crashes.push(`the console (pid ${pid}) exited by itself: code ${code}, signal ${signal}`);
      });
      const sampler = setInterval(() => (rss = Math.max(rss, readStatusKb(pid, 'VmRSS') / 1024)), 500);
      const end = async (signal: NodeJS.Signals): Promise<void> => {
        expected = true;
        clearInterval(sampler);
        client.close();
        started.process.kill(signal);
        await exited;
      };
      const client = await connectCore(started.url);
      return { client, pid, kill9: () => end('SIGKILL'), stop: () => end('SIGTERM') };
    };
    running = await open();
    const bed: FaultBed = {
      dir,
      fleet,
      hosts,
      cap,
      get console() {
        return running!;
      },
      crashes,
      rssMb: () => Math.round(rss),
      restartConsole: async () => {
        running = await open();
      },
      restore: async () => {
        setPrivateLink(dir, 'private', true);
        setPrivateLink(dir, 'bastion', true);
        await fleetUp(options);
      },
      dispose: async () => {
        await stopSampleApps(all.map((h) => h.dir));
        await cleanup();
      },
    };
    return bed;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The hosts of roles app and web (the app's, once drillFleetYaml adds web) in a fleet file
 * fleetUp wrote, with their environment: the stage they are in. */
export function appStageHosts(text: string): Map<string, string> {
  const stages = new Map<string, string>();
  let environment = '';
  let role = '';
  for (const line of text.split('\n')) {
    if (/^ {2}\w+:$/.test(line)) environment = line.trim().slice(0, -1);
    if (/^ {6}\w+:$/.test(line)) role = line.trim().slice(0, -1);
    const m = /^ {8}- \{ name: ([\w-]+),/.exec(line);
    if (m && (role === 'app' || role === 'web')) stages.set(m[1]!, environment);
  }
  return stages;
}

/** The fleet file with app "shop" on the private hosts too, in three stages, each wave baking a
 * second (a wider window for faults between waves), its lock beating every second and stale
 * after 3 s (a killed console's lock is taken over quickly). */
export function drillFleetYaml(text: string): string {
  if (!text.includes('    roles: [app]\n') || !text.includes('    keep_releases: 3\n')) throw new Error('the fleet file has no app "shop" as the drill expects');
  return text
    .replace('    roles: [app]\n', '    roles: [app, web]\n')
    .replace('    keep_releases: 3\n', '    keep_releases: 3\n    bake: 1s\n    stages: [staging, production, private]\n    lock: { heartbeat: 1s, stale_after: 3s }\n');
}
