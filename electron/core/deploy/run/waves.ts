import { planWaves, waveFailed, type WaveSpec } from '../../../../shared/deploy/waves';
import * as steps from '../hostSteps';
import { targetOf } from './decisions';
import { everywhere, gate, reasons, runStep } from './onHosts';
import { rollBack } from './rollback';
import type { DeployRun, Ending } from './state';

// The waves: each host of a wave is switched to its target release, restarted and health-gated
// (then baked). A wave whose failures pass the app's max_failures sends every host switched so far
// back (an undo stops instead: going back would redo what it takes away).

/** The run's end when a wave failed (null: every wave passed). */
export async function runWaves(run: DeployRun): Promise<Ending | null> {
  const { req, kind, release, ctx } = run;
  const waves = req.waves ?? planWaves(run.names, req.spec.waves as WaveSpec[]);
  const already = new Set(run.switched);
  for (const [index, wave] of waves.entries()) {
    run.onEvent({ type: 'wave', index, hosts: wave, state: 'running' });
    const failures = await everywhere(run, wave, async (h) => {
      // A resumed deploy does not restart hosts that already run the release; it checks them.
      if (!already.has(h)) {
        await runStep(run, h, 'switch', steps.switchScript({ ...ctx, release: targetOf(kind, release, run.previous[h]) }));
        run.switched.push(h);
        // Once switched, the restart runs even if an abort comes: a host must not be left with
        // `current` on one release and the old one still running.
        if (req.spec.restart) await runStep(run, h, 'restart', steps.restartScript(ctx, req.spec.restart), false);
      }
      await gate(run, h);
    });
    if (failures.length > 0 && waveFailed(failures.length, wave.length, req.spec.max_failures as number | `${number}%`)) {
      run.onEvent({ type: 'wave', index, hosts: wave, state: 'failed' });
      if (kind === 'undo') return { outcome: 'failed', message: `Undoing ${release} failed on ${reasons(failures)}` };
      const back = await rollBack(run, run.switched);
      return { outcome: 'rolled back', message: `Wave ${index + 1} failed (${reasons(failures)}); ${back}` };
    }
    run.onEvent({ type: 'wave', index, hosts: wave, state: 'ok' });
  }
  return null;
}
