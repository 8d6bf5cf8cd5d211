import { describeLock, leaseOf, leaseText, parseHolder, takesOver, type LockFacts } from '../../../../shared/deploy/lock';
import * as steps from '../hostSteps';
import { previousRelease, undoEnding } from './decisions';
import { everywhere, reasons, runStep, StepFailure } from './onHosts';
import type { DeployRun, Ending } from './state';

// Preflight: every host is looked at before any is touched. It reads each host's releases, where
// `current` points and who holds the lock, and learns each host's previous release; nothing on any
// host changes unless every host can take the run.

/** The run's end when preflight stops it (null: go on). */
export async function preflight(run: DeployRun): Promise<Ending | null> {
  const { req, kind, release, previous } = run;
  const recorded = steps.previousProblem(req.previous);
  if (recorded) return { outcome: 'failed', message: recorded };
  const badRef = await refProblem(run);
  if (badRef) return { outcome: 'failed', message: `Preflight failed, nothing was changed: ${badRef}` };
  const failures = await everywhere(run, run.names, async (h) => {
    const judge = (out: string): string | null => {
      const seen = steps.parseListing(out);
      return seen.currentProblem ?? lockProblem(run, h, seen.lock);
    };
    const listing = steps.parseListing(await runStep(run, h, 'preflight', steps.preflightScript(run.ctx, req.spec.linked_files), true, judge));
    run.releasesOn[h] = listing.releases;
    previous[h] = previousRelease(kind, release, listing, req.previous?.[h]);
    if (listing.current === release && kind !== 'undo') run.switched.push(h);
    if (kind === 'rollback' && !listing.releases.includes(release)) throw new StepFailure(`release ${release} is not on ${h} (it has ${listing.releases.join(', ') || 'none'})`);
    if (kind === 'undo' && listing.current !== release) run.names = run.names.filter((n) => n !== h);
  });
  if (failures.length > 0) return { outcome: 'failed', message: `Preflight failed, nothing was changed: ${reasons(failures)}` };
  run.onEvent({ type: 'previous', hosts: { ...previous } });
  if (kind !== 'undo') return null;
  await freeUndoneLocks(run);
  return undoEnding(run.names, previous, release);
}

/** An undo works only on the hosts that run the release it takes away; the deploy it undoes (its
 * console died) may still hold the lock on the others, where nothing else would ever remove it.
 * That deploy is over: its lock goes there too, noted in takeovers.log as any take-over is. */
async function freeUndoneLocks(run: DeployRun): Promise<void> {
  const left = Object.keys(run.takeFrom).filter((h) => !run.names.includes(h) && parseHolder(run.takeFrom[h]!.holder)?.release === run.release);
  await everywhere(run, left, async (h) => {
    const out = await runStep(run, h, 'lock', steps.lockScript(run.ctx, run.holder, run.takeFrom[h]!), false);
    await runStep(run, h, 'unlock', steps.unlockScript(run.ctx, run.holder), false);
    if (out) run.tookOver.push(h);
  });
}

/** Why the git ref to deploy is not one the source has (null: it is, or the run ships a known
 * revision, or the ref is a commit id, which only a fetch can check). Asked once, from the first host. */
async function refProblem(run: DeployRun): Promise<string | null> {
  const { req } = run;
  const source = req.spec.source;
  if (run.kind !== 'deploy' || !('git' in source) || req.revision !== undefined || run.names.length === 0) return null;
  const ref = req.ref ?? source.ref;
  if (/^[0-9a-f]{7,40}$/.test(ref)) return null;
  try {
    await runStep(run, run.names[0]!, 'preflight', steps.refCheckScript(source.git, ref));
    return null;
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    return error.message;
  }
}

/** Why a host's lock stops the run (null: there is none, or it may take it over, which it notes). */
function lockProblem(run: DeployRun, h: string, facts: LockFacts | null): string | null {
  if (!facts) return null;
  const lease = leaseOf(facts, run.lock);
  if (takesOver(run.req.takeOver ?? false, facts.holder, lease, run.release)) {
    run.takeFrom[h] = { holder: facts.holder, note: `${run.holder} took over the lock of ${facts.holder || 'unknown'}, ${leaseText(lease)}` };
    return null;
  }
  run.onEvent({ type: 'locked', host: h, holder: facts.holder, lease });
  return describeLock(facts.holder, lease);
}
