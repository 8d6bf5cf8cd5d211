import * as steps from '../hostSteps';
import { LockHeartbeat } from '../lockHeartbeat';
import { everywhere, reasons, runStep, type HostFailure } from './onHosts';
import type { DeployRun, Ending } from './state';

// The deploy lock on every host the run works on, kept alive by a heartbeat while it runs, and
// removed at its end (cleanup removes it on the hosts that get that far).

/** Locks every host and starts the heartbeat; the run's end when a host could not be locked. */
export async function lockAll(run: DeployRun): Promise<Ending | null> {
  const { ctx, holder, onEvent } = run;
  const failures = await everywhere(run, run.names, async (h) => {
    const out = await runStep(run, h, 'lock', steps.lockScript(ctx, holder, run.takeFrom[h] ?? null));
    run.locked.push(h);
    if (out) {
      run.tookOver.push(h);
      onEvent({ type: 'note', message: `${h}: ${out}` });
    }
  });
  run.heartbeat = new LockHeartbeat({
    pool: run.pool,
    hosts: () => run.locked,
    script: steps.heartbeatScript(ctx, holder),
    everyMs: run.lock.heartbeatMs,
    // Someone took the lock on purpose: going on would be two deploys at once. Stop at the next
    // step (hosts already switched are restarted on their new release) and touch nothing more.
    onLost: (h, now) => {
      onEvent({ type: 'note', message: `The lock on ${h} is no longer this deploy's: ${now} holds it now.` });
      run.control.act('abort', `Stopped because ${now} took over the lock on ${h}`);
    },
  });
  if (failures.length > 0) return { outcome: 'failed', message: `Could not lock every host, nothing was changed: ${reasons(failures)}` };
  return null;
}

/** Stops the heartbeat and unlocks the hosts still locked; those where that failed, with why. */
export async function unlockAll(run: DeployRun): Promise<HostFailure[]> {
  await run.heartbeat?.stop();
  const failed: HostFailure[] = [];
  await Promise.all(run.locked.map((h) => run.limit.run(() => runStep(run, h, 'unlock', steps.unlockScript(run.ctx, run.holder), false).catch((e: Error) => void failed.push({ host: h, error: e.message })))));
  return failed;
}
