import { hostname, userInfo } from 'node:os';
import type { AppSpec } from '../../shared/fleet/appSchema';
import type { Host } from '../../shared/fleet/model';
import { describeLock, holderLine, leaseOf, leaseText, lockSettings, takesOver, type Lease, type LockFacts, type TakeOver } from '../../shared/deploy/lock';
import { deployLogLine, releaseId, releaseOrigin, releasesToRemove, rollbackLogLine } from '../../shared/deploy/release';
import { sourceText } from '../../shared/deploy/plan';
import { planWaves, waveFailed, type WaveSpec } from '../../shared/deploy/waves';
import { agree, plural } from '../../shared/text';
import type { SshPool } from '../ssh/pool';
import { Semaphore } from '../status/scheduler';
import type { TunnelFor } from '../status/via';
import { Aborted, DeployControl } from './deployControl';
import * as steps from './hostSteps';
import { healthGate } from './healthGate';
import { LockHeartbeat } from './lockHeartbeat';
import { rollbackSummary } from './rollbackSummary';
import { packSource, sftpPath, uploadName, uploadTo, type PackedSource } from './upload';

// One deploy of one app: preflight → lock → prepare everywhere → waves (switch, restart, health
// gate, bake) → record → cleanup → unlock. When a wave fails past its threshold, or the user
// aborts and asks for it, every host switched so far goes back to its own previous release; hosts
// not reached keep what they had. `current` only ever moves to a fully prepared release (switch
// refuses anything else). Three kinds share the path:
//   deploy   — ship a new release (or resume one: hosts already on it are only health-gated)
//   rollback — move every host to a release still present on it
//   undo     — take one release away: hosts on it go back to their previous one, others untouched

export type StepName = 'preflight' | 'lock' | 'upload' | 'prepare' | 'switch' | 'restart' | 'health' | 'rollback' | 'cleanup' | 'unlock';
export type DeployKind = 'deploy' | 'rollback' | 'undo';
export type DeployOutcome = 'succeeded' | 'failed' | 'rolled back' | 'aborted';

export type DeployEvent =
  | { type: 'step'; host: string; step: StepName; state: 'running' | 'ok' | 'failed'; output: string; ms: number; limitMs?: number }
  | { type: 'wave'; index: number; hosts: string[]; state: 'running' | 'ok' | 'failed' }
  | { type: 'previous'; hosts: Record<string, string | null> }
  | { type: 'prepared'; revision: string }
  /** Preflight found a lock this deploy may not take: who holds it, and whether it is stale. */
  | { type: 'locked'; host: string; holder: string; lease: Lease }
  | { type: 'note'; message: string }
  | { type: 'done'; outcome: DeployOutcome; release: string; message: string };

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
  /** How the health URL reaches a host whose `via` is not direct (status/via.ts); without it, direct. */
  tunnelFor?: TunnelFor | null;
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

class StepFailure extends Error {}

/** A host on which a phase failed, and why. */
type HostFailure = { host: string; error: string };


export async function runDeploy(pool: SshPool, req: DeployRequest, onEvent: (e: DeployEvent) => void = () => undefined): Promise<DeployResult> {
  const user = req.user ?? userInfo().username;
  const kind: DeployKind = req.kind ?? (req.release !== undefined ? 'rollback' : 'deploy');
  const release = req.release ?? releaseId(new Date());
  const ctx = { deployTo: req.spec.deploy_to, release };
  const control = req.control ?? new DeployControl();
  // Each host has its own connection; a bound keeps a 1,000-host deploy from opening them all at once.
  const limit = new Semaphore(32);
  const revisionOf: Record<string, string> = {};
  /** The releases on each host when preflight looked (the lock keeps others from adding any). */
  const releasesOn: Record<string, string[]> = {};
  const previous: Record<string, string | null> = {};
  /** The releases a rollback archived on each host (Capistrano's layout after its rollback). */
  const archived: Record<string, string[]> = {};
  const locked: string[] = [];
  const lock = lockSettings(req.spec.lock);
  /** The locks preflight found that this deploy takes over, by host. */
  const takeFrom: Record<string, steps.TakeFrom> = {};
  const tookOver: string[] = [];
  let heartbeat: LockHeartbeat | null = null;
  const byName = new Map(req.hosts.map((h) => [h.name, h]));
  const holder = holderLine({ user, machine: hostname(), pid: process.pid, since: new Date(), kind, app: req.app, release });
  /** The release each host moves to: the deploy's, or for an undo the host's own previous one. */
  const targetOf = (h: string): string => (kind === 'undo' ? (previous[h] ?? '') : release);

  /** Runs a script on a host as one step; `stoppable` steps first pass the pause/abort checkpoint.
   * `judge` fails the step when what it printed is a reason to stop (null: fine). */
  const step = async (host: string, name: StepName, script: string, stoppable = true, judge: (out: string) => string | null = () => null): Promise<string> => {
    if (stoppable) await control.checkpoint();
    const started = Date.now();
    onEvent({ type: 'step', host, step: name, state: 'running', output: '', ms: 0 });
    let out = '';
    let err = '';
    try {
      const { code } = await pool.exec(host, script, { onStdout: (c) => (out += c.toString()), onStderr: (c) => (err += c.toString()), timeoutMs: 10 * 60_000 });
      if (code !== 0) throw new StepFailure(`${name} on ${host} failed (exit ${code}): ${(err || out).trim().split('\n').slice(-3).join(' / ')}`);
      const problem = judge(out);
      if (problem) throw new StepFailure(`${name} on ${host} failed: ${problem}`);
      onEvent({ type: 'step', host, step: name, state: 'ok', output: out + err, ms: Date.now() - started });
      return out.trim();
    } catch (error) {
      const message = error instanceof StepFailure ? error.message : `${name} on ${host} failed: ${(error as Error).message}`;
      // What the script printed, once; the failure's own sentence only when it printed nothing.
      onEvent({ type: 'step', host, step: name, state: 'failed', output: out + err || message, ms: Date.now() - started });
      throw new StepFailure(message);
    }
  };
  /** Runs fn on every host (32 at a time); the hosts that failed, with why. An abort asked for
   * meanwhile is thrown once every host has stopped. */
  const everywhere = async (hosts: readonly string[], fn: (host: string) => Promise<void>): Promise<HostFailure[]> => {
    const failed: HostFailure[] = [];
    let aborted: Aborted | null = null;
    await Promise.all(
      hosts.map((h) =>
        limit.run(() =>
          fn(h).catch((e: Error) => {
            if (e instanceof Aborted) aborted = e;
            else failed.push({ host: h, error: e.message });
          }),
        ),
      ),
    );
    if (aborted) throw aborted;
    return failed;
  };
  type Ending = [DeployOutcome, string];
  const done = (outcome: DeployOutcome, message: string): Ending => [outcome, message];
  let names = req.hosts.map((h) => h.name);
  const switched: string[] = [];
  let packed: PackedSource | null = null;

  let ending: Ending;
  try {
    ending = await deploy();
  } catch (error) {
    if (!(error instanceof Aborted)) {
      await unlockAll();
      throw error;
    }
    if (error.rollback && kind !== 'undo') ending = done('aborted', `${error.why}; ${await rollBack(switched)}`);
    else {
      const moved = switched.filter((h) => previous[h] !== release);
      ending = done('aborted', `${error.why}. ${moved.length > 0 ? `${plural(moved.length, 'host')} run ${release} (${moved.join(', ')}); the others kept their release.` : 'No host was switched.'}`);
    }
  } finally {
    (packed as PackedSource | null)?.dispose();
  }
  const stuck = await unlockAll();
  const [outcome, mainly] = ending;
  const said = tookOver.length === 0 ? mainly : `${mainly} It took over the lock on ${tookOver.join(', ')} (.fleetdeck/takeovers.log there says whose).`;
  const message = stuck.length === 0 ? said : `${said} The deploy lock could not be removed on ${stuck.map((f) => f.host).join(', ')} (${stuck.map((f) => f.error).join('; ')}); Releases shows it, and the next deploy can take it over.`;
  onEvent({ type: 'done', outcome, release, message });
  return { outcome, release, message, previous };

  async function unlockAll(): Promise<HostFailure[]> {
    await heartbeat?.stop();
    const failed: HostFailure[] = [];
    await Promise.all(locked.map((h) => limit.run(() => step(h, 'unlock', steps.unlockScript(ctx, holder), false).catch((e: Error) => void failed.push({ host: h, error: e.message })))));
    return failed;
  }

  /** Why a host's lock stops this deploy (null: there is none, or it may take it over). */
  function lockProblem(h: string, facts: LockFacts | null): string | null {
    if (!facts) return null;
    const lease = leaseOf(facts, lock);
    if (takesOver(req.takeOver ?? false, facts.holder, lease, release)) {
      takeFrom[h] = { holder: facts.holder, note: `${holder} took over the lock of ${facts.holder || 'unknown'}, ${leaseText(lease)}` };
      return null;
    }
    onEvent({ type: 'locked', host: h, holder: facts.holder, lease });
    return describeLock(facts.holder, lease);
  }

  async function deploy(): Promise<Ending> {
    const recorded = steps.previousProblem(req.previous);
    if (recorded) return done('failed', recorded);
    const badRef = await refProblem();
    if (badRef) return done('failed', `Preflight failed, nothing was changed: ${badRef}`);
    // Preflight and lock: nothing on any host changes unless every host can take the deploy.
    const preflight = await everywhere(names, async (h) => {
      const judge = (out: string): string | null => {
        const seen = steps.parseListing(out);
        return seen.currentProblem ?? lockProblem(h, seen.lock);
      };
      const listing = steps.parseListing(await step(h, 'preflight', steps.preflightScript(ctx, req.spec.linked_files), true, judge));
      releasesOn[h] = listing.releases;
      previous[h] = req.previous?.[h] ?? (kind === 'undo' ? previousOf(listing.releases, release) : listing.current);
      if (listing.current === release && kind !== 'undo') switched.push(h);
      if (kind === 'rollback' && !listing.releases.includes(release)) throw new StepFailure(`release ${release} is not on ${h} (it has ${listing.releases.join(', ') || 'none'})`);
      if (kind === 'undo' && listing.current !== release) names = names.filter((n) => n !== h);
    });
    if (preflight.length > 0) return done('failed', `Preflight failed, nothing was changed: ${preflight.map((f) => f.error).join('; ')}`);
    onEvent({ type: 'previous', hosts: { ...previous } });
    if (kind === 'undo') {
      const stuck = names.filter((h) => !previous[h]);
      if (stuck.length > 0) return done('failed', `There is no earlier release to go back to on ${stuck.join(', ')}; nothing was changed.`);
      if (names.length === 0) return done('succeeded', `No host runs ${release}; nothing to undo.`);
    }

    const lockFailures = await everywhere(names, async (h) => {
      const out = await step(h, 'lock', steps.lockScript(ctx, holder, takeFrom[h] ?? null));
      locked.push(h);
      if (out) {
        tookOver.push(h);
        onEvent({ type: 'note', message: `${h}: ${out}` });
      }
    });
    heartbeat = new LockHeartbeat({
      pool,
      hosts: () => locked,
      script: steps.heartbeatScript(ctx, holder),
      everyMs: lock.heartbeatMs,
      // Someone took the lock on purpose: going on would be two deploys at once. Stop at the next
      // step (hosts already switched are restarted on their new release) and touch nothing more.
      onLost: (h, now) => {
        onEvent({ type: 'note', message: `The lock on ${h} is no longer this deploy's: ${now} holds it now.` });
        control.act('abort', `Stopped because ${now} took over the lock on ${h}`);
      },
    });
    if (lockFailures.length > 0) return done('failed', `Could not lock every host, nothing was changed: ${lockFailures.map((f) => f.error).join('; ')}`);

    if (kind === 'deploy') {
      const source = req.spec.source;
      // A git source is fetched by each host; a folder or tarball is packed here once and uploaded.
      const origin = 'git' in source ? { git: source.git, ref: req.revision ?? req.ref ?? source.ref } : (packed = await packSource(source, req.baseDir ?? process.cwd()));
      if (req.revision !== undefined && 'file' in origin && origin.revision !== req.revision) {
        return done('failed', `The ${sourceText(source)} is not what release ${release} was built from (its SHA-256 starts ${origin.revision.slice(0, 12)} now, ${req.revision.slice(0, 12)} then): it changed since, and Fleetdeck keeps no copy. Nothing was changed; deploy the new contents as a new release instead.`);
      }
      const prepared = await everywhere(names, async (h) => {
        const prepareSource: steps.PrepareSource = 'git' in origin ? origin : await upload(h, origin);
        const out = await step(h, 'prepare', steps.prepareScript(ctx, { source: prepareSource, linkedFiles: req.spec.linked_files, linkedDirs: req.spec.linked_dirs, build: req.spec.build }));
        revisionOf[h] = out.split('\n').at(-1) ?? '';
      });
      if (prepared.length > 0) return done('failed', `Preparing the release failed, no host was switched: ${prepared.map((f) => f.error).join('; ')}`);
      const revisions = new Set(names.map((h) => revisionOf[h]));
      const [revision] = revisions;
      // A moving ref fetched by each host can differ between them; then there is no one revision to promote.
      if (revisions.size === 1 && revision) onEvent({ type: 'prepared', revision });
    }

    const waves = req.waves ?? planWaves(names, req.spec.waves as WaveSpec[]);
    const already = new Set(switched);
    for (const [index, wave] of waves.entries()) {
      onEvent({ type: 'wave', index, hosts: wave, state: 'running' });
      const failures = await everywhere(wave, async (h) => {
        // A resumed deploy does not restart hosts that already run the release; it checks them.
        if (!already.has(h)) {
          await step(h, 'switch', steps.switchScript({ ...ctx, release: targetOf(h) }));
          switched.push(h);
          // Once switched, the restart runs even if an abort comes: a host must not be left with
          // `current` on one release and the old one still running.
          if (req.spec.restart) await step(h, 'restart', steps.restartScript(ctx, req.spec.restart), false);
        }
        await gate(h);
      });
      if (failures.length > 0 && waveFailed(failures.length, wave.length, req.spec.max_failures as number | `${number}%`)) {
        onEvent({ type: 'wave', index, hosts: wave, state: 'failed' });
        if (kind === 'undo') return done('failed', `Undoing ${release} failed on ${failures.map((f) => f.error).join('; ')}`);
        const back = await rollBack(switched);
        return done('rolled back', `Wave ${index + 1} failed (${failures.map((f) => f.error).join('; ')}); ${back}`);
      }
      onEvent({ type: 'wave', index, hosts: wave, state: 'ok' });
    }

    await everywhere(names, (h) => cleanup(h));
    const what = kind === 'undo' ? `${req.app} ${release} was taken back on ${plural(names.length, 'host')}` : `${req.app} ${shippedName()} is live on ${plural(names.length, 'host')}`;
    const left = [...new Set(Object.values(archived).flat())].sort();
    const archivedText = left.length === 0 ? '' : ` As Capistrano's own rollback does, the ${agree(left.length, 'release', 'releases')} it left (${left.join(', ')}) ${agree(left.length, 'was', 'were')} archived as rolled-back-release-<id>.tar.gz in ${req.spec.deploy_to} and removed, so \`cap deploy:rollback\` goes further back; to go forward again, deploy ${agree(left.length, 'its', 'their')} ref anew.`;
    return done('succeeded', `${what}.${archivedText}`);
  }

  /** Why the git ref to deploy is not one the source has (null: it is, or the run ships a known
   * revision, or the ref is a commit id, which only a fetch can check). Asked once, from the first host. */
  async function refProblem(): Promise<string | null> {
    const source = req.spec.source;
    if (kind !== 'deploy' || !('git' in source) || req.revision !== undefined || names.length === 0) return null;
    const ref = req.ref ?? source.ref;
    if (/^[0-9a-f]{7,40}$/.test(ref)) return null;
    try {
      await step(names[0]!, 'preflight', steps.refCheckScript(source.git, ref));
      return null;
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      return error.message;
    }
  }

  /** The release as people know it: "20261207101010 (v2 c44beba)" for a new one, the plan's name for a rollback. */
  function shippedName(): string {
    if (kind !== 'deploy') return req.releaseName ?? release;
    const source = req.spec.source;
    const revisions = new Set(names.map((h) => revisionOf[h]));
    const revision = revisions.size === 1 ? ([...revisions][0] ?? null) : null;
    const origin = releaseOrigin({ ref: req.ref ?? ('git' in source ? source.ref : (packed?.label ?? null)), revision });
    return origin ? `${release} (${origin})` : release;
  }

  /** Sends a packed source to a host as the upload step; what prepare then unpacks. */
  async function upload(h: string, local: PackedSource): Promise<steps.PrepareSource> {
    const remote = sftpPath(ctx.deployTo, release);
    await control.checkpoint();
    await timedStep(h, 'upload', () => uploadTo(pool, h, local.file, remote), `${local.file} → ${remote}`);
    return { tarball: uploadName(release), revision: local.revision };
  }

  /** A step that is not a remote script (the upload), reported like one. */
  async function timedStep(host: string, name: StepName, fn: () => Promise<void>, what: string): Promise<void> {
    const started = Date.now();
    onEvent({ type: 'step', host, step: name, state: 'running', output: what, ms: 0 });
    try {
      await fn();
      onEvent({ type: 'step', host, step: name, state: 'ok', output: what, ms: Date.now() - started });
    } catch (error) {
      onEvent({ type: 'step', host, step: name, state: 'failed', output: (error as Error).message, ms: Date.now() - started });
      throw new StepFailure((error as Error).message);
    }
  }

  /** revisions.log, old releases removed (never the current one nor the one before it), unlocked.
   * A rollback leaves the layout as Capistrano's rollback would: the releases newer than the one it
   * went back to are archived (rolled-back-release-<id>.tar.gz) and removed, and the one it went to
   * is the newest by mtime, so `cap deploy:rollback` (which picks by mtime) goes further back. */
  async function cleanup(h: string): Promise<void> {
    const source = req.spec.source;
    const to = targetOf(h);
    const line =
      kind === 'deploy'
        ? deployLogLine({ branch: req.ref ?? ('git' in source ? source.ref : (packed?.label ?? 'local')), revision: (revisionOf[h] ?? '').slice(0, 40), release, user })
        : rollbackLogLine({ user, release: to });
    const present = [...new Set([...(releasesOn[h] ?? []), ...(kind === 'deploy' ? [release] : [])])];
    const archive = kind === 'rollback' ? present.filter((r) => r > to) : [];
    if (archive.length > 0) archived[h] = archive;
    const releases = present.filter((r) => !archive.includes(r));
    // An undone release stays (it can be resumed); otherwise the release each host came from.
    const keepAlso = kind === 'undo' ? release : (previous[h] ?? null);
    const remove = releasesToRemove(releases, req.spec.keep_releases, to, keepAlso);
    await step(h, 'cleanup', steps.finishScript(ctx, line, remove, holder, kind === 'rollback' ? { archive, newest: to } : null), false);
    locked.splice(locked.indexOf(h), 1);
  }

  /** The host's health gate (healthGate.ts), reported as this deploy's steps. */
  function gate(host: string, as: 'health' | 'rollback' = 'health'): Promise<void> {
    return healthGate({ spec: req.spec, host: byName.get(host)!, as, control, ...(req.hostGate ? { hostGate: req.hostGate } : {}), ...(req.tunnelFor ? { tunnelFor: req.tunnelFor } : {}), onEvent });
  }

  /** Every switched host back to its own previous release (or left as is if it had none). */
  async function rollBack(hosts: readonly string[]): Promise<string> {
    const movable = hosts.filter((h) => previous[h] && previous[h] !== release);
    // A first deploy has nothing to go back to: say so, rather than "0 hosts went back".
    const stuck = hosts.filter((h) => !previous[h]);
    const failures = await everywhere(movable, async (h) => {
      await step(h, 'rollback', steps.switchScript({ ...ctx, release: previous[h]! }), false);
      if (req.spec.restart) await step(h, 'rollback', steps.restartScript(ctx, req.spec.restart), false);
      // Back is only back when the old release answers again.
      await gate(h, 'rollback');
    });
    if (failures.length > 0) return `rolling back failed on ${failures.map((f) => f.host).join(', ')}: ${failures.map((f) => f.error).join('; ')}`;
    return rollbackSummary(movable.length, stuck, release);
  }
}

/** The newest release older than `release` on a host: where an undo takes it. */
function previousOf(releases: readonly string[], release: string): string | null {
  return [...releases].filter((r) => r < release).sort().at(-1) ?? null;
}
