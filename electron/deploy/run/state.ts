import type { DeployEventMessage, DeployKindName, DeployOutcomeName, DeployStepName } from '../../../shared/contract/deploy';
import type { TakeOver } from '../../../shared/deploy/lock';
import type { AppSpec } from '../../../shared/fleet/appSchema';
import type { Host } from '../../../shared/fleet/model';
import type { DeployControl } from '../deployControl';

// What a deploy run is asked and what it answers.

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
  /** Where relative dir and tarball sources are found (the fleet file's folder). */
  baseDir?: string;
}

export interface DeployResult {
  outcome: DeployOutcome;
  release: string;
  message: string;
  /** Each host's release before the deploy (null: none). */
  previous: Record<string, string | null>;
}
