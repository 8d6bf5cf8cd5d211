import { deployLogLine, releaseOrigin, rollbackLogLine } from '../../../../shared/deploy/release';
import * as steps from '../hostSteps';
import { cleanupPlan, closingMessage, sharedRevision, succeededMessage, targetOf } from './decisions';
import { unlockAll } from './lock';
import { everywhere, runStep } from './onHosts';
import type { DeployResult, DeployRun, Ending } from './state';

// The end of a run: after the last wave each host records the release in revisions.log, drops old
// releases and unlocks (cleanup); whatever the outcome, the hosts still locked are unlocked and the
// outcome is told once.

/** Cleanup on every host, and the outcome of a run that went through. */
export async function succeed(run: DeployRun): Promise<Ending> {
  await everywhere(run, run.names, (h) => cleanup(run, h));
  const { req } = run;
  const message = succeededMessage({
    kind: run.kind,
    app: req.app,
    release: run.release,
    shipped: shippedName(run),
    hosts: run.names.length,
    archived: run.archived,
    deployTo: req.spec.deploy_to,
  });
  return { outcome: 'succeeded', message };
}

/** Unlocks what is still locked and tells the outcome, with what the lock adds to it. */
export async function finish(run: DeployRun, ending: Ending): Promise<DeployResult> {
  const stuck = await unlockAll(run);
  const { outcome } = ending;
  const message = closingMessage(ending.message, run.tookOver, stuck);
  run.onEvent({ type: 'done', outcome, release: run.release, message });
  const leftLocked =
    stuck.length === 0 ? null : { hosts: stuck.map((f) => f.host), unlock: steps.unlockScript(run.ctx, run.holder), everyMs: run.lock.heartbeatMs };
  return { outcome, release: run.release, message, previous: run.previous, leftLocked };
}

/** revisions.log, old releases removed (never the current one nor the one before it), unlocked.
 * A rollback archives the releases newer than the one it went back to (cleanupPlan) and makes that
 * one the newest by mtime, so `cap deploy:rollback` (which picks by mtime) goes further back. */
async function cleanup(run: DeployRun, h: string): Promise<void> {
  const { req, kind, release, user } = run;
  const to = targetOf(kind, release, run.previous[h]);
  const line = kind === 'deploy' ? deployLogLine({ branch: shippedRef(run) ?? 'local', revision: (run.revisionOf[h] ?? '').slice(0, 40), release, user }) : rollbackLogLine({ user, release: to });
  const { archive, remove } = cleanupPlan({
    kind,
    release,
    to,
    present: run.releasesOn[h] ?? [],
    previous: run.previous[h] ?? null,
    keep: req.spec.keep_releases,
  });
  if (archive.length > 0) run.archived[h] = archive;
  await runStep(run, h, 'cleanup', steps.finishScript(run.ctx, line, remove, run.holder, kind === 'rollback' ? { archive, newest: to } : null), false);
  run.locked.splice(run.locked.indexOf(h), 1);
}

/** The ref a new deploy shipped: the one asked for, the git source's, or a packed source's label. */
function shippedRef(run: DeployRun): string | null {
  const source = run.req.spec.source;
  return run.req.ref ?? ('git' in source ? source.ref : (run.packed?.label ?? null));
}

/** The release as people know it: "20261207101010 (v2 c44beba)" for a new one, the plan's name for a rollback. */
function shippedName(run: DeployRun): string {
  if (run.kind !== 'deploy') return run.req.releaseName ?? run.release;
  const origin = releaseOrigin({ ref: shippedRef(run), revision: sharedRevision(run.names, run.revisionOf) });
  return origin ? `${run.release} (${origin})` : run.release;
}
