import type { SshPool } from '../ssh/pool';
import { Aborted } from './deployControl';
import { finish, succeed } from './run/finish';
import { lockAll, unlockAll } from './run/lock';
import { preflight } from './run/preflight';
import { prepare } from './run/prepare';
import { endAborted } from './run/rollback';
import { startRun, type DeployEvent, type DeployRequest, type DeployResult, type DeployRun, type Ending } from './run/state';
import { runWaves } from './run/waves';

export type { DeployEvent, DeployKind, DeployOutcome, DeployRequest, DeployResult, StepName } from './run/state';

// One deploy of one app: preflight → lock → prepare everywhere → waves (switch, restart, health
// gate, bake) → record → cleanup → unlock. When a wave fails past its threshold, or the user
// aborts and asks for it, every host switched so far goes back to its own previous release; hosts
// not reached keep what they had. `current` only ever moves to a fully prepared release (switch
// refuses anything else). Three kinds share the path:
//   deploy   — ship a new release (or resume one: hosts already on it are only health-gated)
//   rollback — move every host to a release still present on it
//   undo     — take one release away: hosts on it go back to their previous one, others untouched
// The run's state is one object (run/state.ts); each phase is a file of its own under run/, and the
// decisions that need no host are pure functions (run/decisions.ts).

export async function runDeploy(pool: SshPool, req: DeployRequest, onEvent: (e: DeployEvent) => void = () => undefined): Promise<DeployResult> {
  const run = startRun(pool, req, onEvent);
  let ending: Ending;
  try {
    ending = await phases(run);
  } catch (error) {
    if (!(error instanceof Aborted)) {
      await unlockAll(run);
      throw error;
    }
    ending = await endAborted(run, error);
  } finally {
    run.packed?.dispose();
  }
  return finish(run, ending);
}

/** The phases in order; the first that ends the run says how. Nothing on any host changes unless
 * preflight and the lock pass on every host. */
async function phases(run: DeployRun): Promise<Ending> {
  return (await preflight(run)) ?? (await lockAll(run)) ?? (await prepare(run)) ?? (await runWaves(run)) ?? (await succeed(run));
}
