import type { ControlStateName, DeployEventMessage } from '../../shared/contract/deploy';
import type { Lease } from '../../shared/deploy/lock';
import { plural } from '../../shared/text';

// A deploy as the Deploys view shows it, folded from its events (deploy.watch replays them all,
// so a view that mounts late or after a reload builds the same picture).

export interface StepProgress {
  state: 'running' | 'ok' | 'failed';
  ms: number;
  output: string;
  /** A running health gate: how long it may take. */
  limitMs?: number;
}

export interface DeployProgress {
  id: number | null;
  kind: 'deploy' | 'rollback' | 'undo' | null;
  release: string | null;
  /** The hosts the deploy touches (an undo only those on the release). */
  hosts: string[];
  /** The app's stage it goes to, and for a promotion the stage it comes from. */
  stage: string | null;
  promotedFrom: string | null;
  /** A new deploy's git ref, when it has one. */
  ref: string | null;
  /** The waves the core runs (null: not known ahead, as for an undo). */
  plannedWaves: string[][] | null;
  control: ControlStateName;
  steps: Record<string, Partial<Record<string, StepProgress>>>;
  waves: Record<number, 'running' | 'ok' | 'failed'>;
  notes: string[];
  /** Locks preflight found and the deploy could not take, by host (what "Take over" would take). */
  locks: Record<string, { holder: string; lease: Lease }>;
  done: Extract<DeployEventMessage, { type: 'done' }> | null;
}

export const NO_DEPLOY: DeployProgress = { id: null, kind: null, release: null, hosts: [], stage: null, promotedFrom: null, ref: null, plannedWaves: null, control: 'running', steps: {}, waves: {}, notes: [], locks: {}, done: null };

export function foldDeploy(p: DeployProgress, e: DeployEventMessage): DeployProgress {
  switch (e.type) {
    case 'started':
      return {
        ...NO_DEPLOY,
        id: e.id,
        kind: e.kind,
        release: e.release,
        hosts: e.hosts,
        stage: e.stage,
        promotedFrom: e.promotedFrom,
        ref: e.ref,
        plannedWaves: e.waves,
      };
    case 'control':
      return { ...p, control: e.state };
    case 'note':
      return { ...p, notes: [...p.notes, e.message] };
    case 'locked':
      return { ...p, locks: { ...p.locks, [e.host]: { holder: e.holder, lease: e.lease } } };
    case 'previous':
    case 'prepared':
      return p;
    case 'wave':
      return { ...p, waves: { ...p.waves, [e.index]: e.state } };
    case 'done':
      return { ...p, done: e };
    case 'step': {
      const host = p.steps[e.host] ?? {};
      const step: StepProgress = { state: e.state, ms: e.ms, output: e.output, ...(e.limitMs !== undefined ? { limitMs: e.limitMs } : {}) };
      return { ...p, steps: { ...p.steps, [e.host]: { ...host, [e.step]: step } } };
    }
  }
}

/** What the deploy is, in words: "deploy 2026… to staging", "promotion of 2026… from staging to production". */
export function progressTitle(p: DeployProgress): string {
  if (p.promotedFrom) return `promotion of ${p.release} from ${p.promotedFrom} to ${p.stage}`;
  return `${p.kind} ${p.release}${p.stage ? ` to ${p.stage}` : ''}`;
}

/** What is deployed where, for the view's header: "deploy 2026… (v4) to staging on 1 host: host-1". */
export function progressHeader(p: DeployProgress): string {
  const title = p.kind === 'deploy' && p.ref && !p.promotedFrom ? progressTitle(p).replace(`${p.release}`, `${p.release} (${p.ref})`) : progressTitle(p);
  return `${title} on ${plural(p.hosts.length, 'host')}: ${p.hosts.join(', ')}`;
}

/** Which buttons make sense now. */
export function controlsFor(p: DeployProgress): { pause: boolean; resume: boolean; abort: boolean; abortRollback: boolean } {
  const live = p.id !== null && p.done === null;
  const aborting = p.control === 'aborting' || p.control === 'aborting-rollback';
  return {
    pause: live && p.control === 'running',
    resume: live && p.control === 'paused',
    abort: live && !aborting,
    abortRollback: live && p.control !== 'aborting-rollback' && p.kind !== 'undo',
  };
}

/** A step's badge text: "health 3 s of 10 s…" while a gate waits, "✓ 1.2 s", "✗". */
export function stepBadge(name: string, s: StepProgress): string {
  if (s.state === 'running') return s.limitMs !== undefined ? `${name} ${Math.round(s.ms / 1000)} s of ${Math.round(s.limitMs / 1000)} s…` : `${name} …`;
  return s.state === 'ok' ? `${name} ✓ ${(s.ms / 1000).toFixed(1)} s` : `${name} ✗`;
}
