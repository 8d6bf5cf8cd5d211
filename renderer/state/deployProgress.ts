import type { ControlStateName, DeployEventMessage } from '../../shared/contract/deploy';

// A deploy as the Deploys view shows it, folded from its events (deploy.watch replays them all,
// so a view that mounts late or after a reload builds the same picture).

export interface StepProgress {
  state: 'running' | 'ok' | 'failed';
  ms: number;
  output: string;
}

export interface DeployProgress {
  id: number | null;
  kind: 'deploy' | 'rollback' | 'undo' | null;
  release: string | null;
  /** The hosts the deploy touches (an undo only those on the release). */
  hosts: string[];
  control: ControlStateName;
  steps: Record<string, Partial<Record<string, StepProgress>>>;
  waves: Record<number, 'running' | 'ok' | 'failed'>;
  notes: string[];
  done: Extract<DeployEventMessage, { type: 'done' }> | null;
}

export const NO_DEPLOY: DeployProgress = { id: null, kind: null, release: null, hosts: [], control: 'running', steps: {}, waves: {}, notes: [], done: null };

export function foldDeploy(p: DeployProgress, e: DeployEventMessage): DeployProgress {
  switch (e.type) {
    case 'started':
      return { ...NO_DEPLOY, id: e.id, kind: e.kind, release: e.release, hosts: e.hosts };
    case 'control':
      return { ...p, control: e.state };
    case 'note':
      return { ...p, notes: [...p.notes, e.message] };
    case 'previous':
      return p;
    case 'wave':
      return { ...p, waves: { ...p.waves, [e.index]: e.state } };
    case 'done':
      return { ...p, done: e };
    case 'step': {
      const host = p.steps[e.host] ?? {};
      return { ...p, steps: { ...p.steps, [e.host]: { ...host, [e.step]: { state: e.state, ms: e.ms, output: e.output } } } };
    }
  }
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
