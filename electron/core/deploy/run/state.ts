import { hostname, userInfo } from 'node:os';
import type { DeployEventMessage, DeployKindName, DeployOutcomeName, DeployStepName } from '../../../../shared/contract/deploy';
import { holderLine, lockSettings, type LockSettings, type TakeOver } from '../../../../shared/deploy/lock';
import { releaseId } from '../../../../shared/deploy/release';
import type { AppSpec } from '../../../../shared/fleet/appSchema';
import type { Host } from '../../../../shared/fleet/model';
import type { SshPool } from '../../ssh/pool';
import { Semaphore } from '../../common/semaphore';
import type { TunnelFor } from '../../status/via';
import { DeployControl } from '../deployControl';
import type { StepContext, TakeFrom } from '../hostSteps';
import type { LockHeartbeat } from '../lockHeartbeat';
import type { PackedSource } from '../upload';

// A deploy run's state: what it was asked, what it is, and what it learned and did so far. Each
// phase (preflight, lock, prepare, waves, rollback, finish) reads and adds to it; nothing else does.

export type StepName = DeployStepName;
export type DeployKind = DeployKindName;
export type DeployOutcome = DeployOutcomeName;
/** What a run tells as it goes: the contract's deploy events but the two the service adds
 * (`started`, `control`). */
export type DeployEvent = Exclude<DeployEventMessage, { type: 'started' | 'control' }>;

export interface DeployRequest {
  app: string;
  spec: AppSpec;
  hosts: Host[];
  /** The waves to run, as a rollback's plan has them (default: the app's waves over `hosts`). */
  waves?: string[][];
  /** Default: 'rollback' when a release is given, else 'deploy'. */
  kind?: DeployKind;
  /** deploy: the new release's id (a resumed deploy passes its own); rollback: where to go; undo: what to take away. */
  release?: string;
  /** A rollback: the release named with its ref and revision, for the outcome ("… (v2 c44beba) is live"). */
  releaseName?: string;
  /** The git ref to deploy (default: the app's). */
  ref?: string;
  /** Ship exactly this revision (a promotion, a resume): git checks out this commit rather than
   * resolving `ref` again; a dir or tarball source must still pack to this SHA-256. */
  revision?: string;
  user?: string;
  /** Which locks held by others it takes over (shared/deploy/lock.ts); each take-over is recorded
   * on the host (.fleetdeck/takeovers.log), in a note and in the outcome. */
  takeOver?: TakeOver;
  /** Each host's release before this deploy, known from an earlier run of it (resume, undo). */
  previous?: Record<string, string | null>;
  control?: DeployControl;
  /** The host's own status checks after a restart: null when they pass, else why not. */
  hostGate?: (host: string) => Promise<string | null>;
  /** How the health URL reaches a host whose `via` is not direct (status/via.ts); without it, direct. */
  tunnelFor?: TunnelFor | null;
  /** Where relative dir and tarball sources are found (the fleet file's folder). */
  baseDir?: string;
}

export interface DeployResult {
  outcome: DeployOutcome;
  release: string;
  message: string;
  /** Each host's release before the deploy (null: none). */
  previous: Record<string, string | null>;
  /** Hosts whose lock could not be removed at the end (unreachable then), with the script that
   * removes it if it is still this run's and the lock's heartbeat interval: for LeftLocks. */
  leftLocked: { hosts: string[]; unlock: string; everyMs: number } | null;
}

/** How a run ends, before the unlock adds what it has to say. */
export interface Ending {
  outcome: DeployOutcome;
  message: string;
}

export interface DeployRun {
  readonly pool: SshPool;
  readonly req: DeployRequest;
  readonly onEvent: (e: DeployEvent) => void;
  readonly user: string;
  readonly kind: DeployKind;
  readonly release: string;
  readonly ctx: StepContext;
  readonly control: DeployControl;
  /** Each host has its own connection; a bound keeps a 1,000-host deploy from opening them all at once. */
  readonly limit: Semaphore;
  readonly lock: LockSettings;
  /** The holder line this run writes into each host's lock. */
  readonly holder: string;
  readonly byName: ReadonlyMap<string, Host>;
  /** The hosts it works on; an undo's preflight drops those not on the release it takes away. */
  names: string[];
  /** Each host's release before this run (null: none), from preflight or the request. */
  readonly previous: Record<string, string | null>;
  /** The releases on each host when preflight looked (the lock keeps others from adding any). */
  readonly releasesOn: Record<string, string[]>;
  /** The locks preflight found that this run takes over, by host. */
  readonly takeFrom: Record<string, TakeFrom>;
  /** Hosts it holds the lock of, until each one's cleanup or the unlock. */
  readonly locked: string[];
  /** Hosts whose lock it took over from someone else. */
  readonly tookOver: string[];
  heartbeat: LockHeartbeat | null;
  /** A dir or tarball source packed here once for every host (disposed when the run ends). */
  packed: PackedSource | null;
  /** The revision each host prepared (a git commit, or a packed source's SHA-256). */
  readonly revisionOf: Record<string, string>;
  /** Hosts on the run's release: switched by it, or already there when preflight looked. */
  readonly switched: string[];
  /** The releases a rollback archived on each host (Capistrano's layout after its rollback). */
  readonly archived: Record<string, string[]>;
}

/** A run as it starts: nothing learned yet. */
export function startRun(pool: SshPool, req: DeployRequest, onEvent: (e: DeployEvent) => void): DeployRun {
  const user = req.user ?? userInfo().username;
  const kind: DeployKind = req.kind ?? (req.release !== undefined ? 'rollback' : 'deploy');
  const release = req.release ?? releaseId(new Date());
  return {
    pool,
    req,
    onEvent,
    user,
    kind,
    release,
    ctx: { deployTo: req.spec.deploy_to, release },
    control: req.control ?? new DeployControl(),
    limit: new Semaphore(32),
    lock: lockSettings(req.spec.lock),
    holder: holderLine({ user, machine: hostname(), pid: process.pid, since: new Date(), kind, app: req.app, release }),
    byName: new Map(req.hosts.map((h) => [h.name, h])),
    names: req.hosts.map((h) => h.name),
    previous: {},
    releasesOn: {},
    takeFrom: {},
    locked: [],
    tookOver: [],
    heartbeat: null,
    packed: null,
    revisionOf: {},
    switched: [],
    archived: {},
  };
}
