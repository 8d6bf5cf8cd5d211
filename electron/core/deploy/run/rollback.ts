import type { Aborted } from '../deployControl';
import * as steps from '../hostSteps';
import { abortedMessage, rollbackSummary, rollbackTargets } from './decisions';
import { everywhere, gate, reasons, runStep } from './onHosts';
import type { DeployRun, Ending } from './state';

// Going back: every switched host to its own previous release (or left as is if it had none); hosts
// not reached keep what they had. Going back cannot be paused or aborted.

/** Sends the hosts back; the outcome's words for what happened. */
export async function rollBack(run: DeployRun, hosts: readonly string[]): Promise<string> {
  const { req, ctx, previous } = run;
  const { movable, stuck } = rollbackTargets(hosts, previous, run.release);
  const failures = await everywhere(run, movable, async (h) => {
    await runStep(run, h, 'rollback', steps.switchScript({ ...ctx, release: previous[h]! }), false);
    if (req.spec.restart) await runStep(run, h, 'rollback', steps.restartScript(ctx, req.spec.restart), false);
    // Back is only back when the old release answers again.
    await gate(run, h, 'rollback');
  });
  if (failures.length > 0) return `rolling back failed on ${failures.map((f) => f.host).join(', ')}: ${reasons(failures)}`;
  return rollbackSummary(movable.length, stuck, run.release);
}

/** How an aborted run ends: the switched hosts sent back when the user asked for it (an undo never
 * goes back), else left where they are. */
export async function endAborted(run: DeployRun, abort: Aborted): Promise<Ending> {
  if (abort.rollback && run.kind !== 'undo') return { outcome: 'aborted', message: `${abort.why}; ${await rollBack(run, run.switched)}` };
  return { outcome: 'aborted', message: abortedMessage(abort.why, run.switched, run.previous, run.release) };
}
