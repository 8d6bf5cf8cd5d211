import { sourceText } from '../../../../shared/deploy/plan';
import * as steps from '../hostSteps';
import { packSource, sftpPath, uploadName, uploadTo, type PackedSource } from '../upload';
import { sharedRevision } from './decisions';
import { everywhere, reasons, runStep, timedStep } from './onHosts';
import type { DeployRun, Ending } from './state';

// Prepare (a new deploy only): every host gets the release ready beside the one it runs — a git
// source fetched by each host, a folder or tarball packed here once and uploaded — linked files and
// dirs, and the build. No host is switched unless every one is prepared.

/** The run's end when a host could not prepare the release (null: go on). */
export async function prepare(run: DeployRun): Promise<Ending | null> {
  const { req, release, names } = run;
  if (run.kind !== 'deploy') return null;
  const source = req.spec.source;
  const origin = 'git' in source ? { git: source.git, ref: req.revision ?? req.ref ?? source.ref } : (run.packed = await packSource(source, req.baseDir ?? process.cwd()));
  if (req.revision !== undefined && 'file' in origin && origin.revision !== req.revision) {
    return {
      outcome: 'failed',
      message: `The ${sourceText(source)} is not what release ${release} was built from (its SHA-256 starts ${origin.revision.slice(0, 12)} now, ${req.revision.slice(0, 12)} then): it changed since, and Fleetdeck keeps no copy. Nothing was changed; deploy the new contents as a new release instead.`,
    };
  }
  const failures = await everywhere(run, names, async (h) => {
    const prepareSource: steps.PrepareSource = 'git' in origin ? origin : await upload(run, h, origin);
    const out = await runStep(run, h, 'prepare', steps.prepareScript(run.ctx, { source: prepareSource, linkedFiles: req.spec.linked_files, linkedDirs: req.spec.linked_dirs, build: req.spec.build }));
    run.revisionOf[h] = out.split('\n').at(-1) ?? '';
  });
  if (failures.length > 0) return { outcome: 'failed', message: `Preparing the release failed, no host was switched: ${reasons(failures)}` };
  // A moving ref fetched by each host can differ between them; then there is no one revision to promote.
  const revision = sharedRevision(names, run.revisionOf);
  if (revision) run.onEvent({ type: 'prepared', revision });
  return null;
}

/** Sends a packed source to a host as the upload step; what prepare then unpacks. */
async function upload(run: DeployRun, h: string, local: PackedSource): Promise<steps.PrepareSource> {
  const remote = sftpPath(run.ctx.deployTo, run.release);
  await run.control.checkpoint();
  await timedStep(run, h, 'upload', () => uploadTo(run.pool, h, local.file, remote), `${local.file} → ${remote}`);
  return { tarball: uploadName(run.release), revision: local.revision };
}
