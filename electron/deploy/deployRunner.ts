import { hostname, userInfo } from 'node:os';
import { parseDuration } from '../../shared/duration';
import type { AppSpec } from '../../shared/fleet/appSchema';
import type { Host } from '../../shared/fleet/model';
import { deployLogLine, releaseId, releasesToRemove, rollbackLogLine } from '../../shared/deploy/release';
import { planWaves, waveFailed, type WaveSpec } from '../../shared/deploy/waves';
import type { SshPool } from '../ssh/pool';
import { Semaphore } from '../status/scheduler';
import { expandUrl } from '../status/probes';
import * as steps from './hostSteps';

// One deploy of one app: preflight → lock → prepare everywhere → waves (switch, restart, health
// gate, bake) → record → cleanup → unlock. When a wave fails past its threshold, every host
// switched so far goes back to its own previous release; hosts not reached keep what they had.
// `current` only ever moves to a fully prepared release (switch refuses anything else).

export type StepName = 'preflight' | 'lock' | 'prepare' | 'switch' | 'restart' | 'health' | 'rollback' | 'cleanup' | 'unlock';

export type DeployEvent =
  | { type: 'step'; host: string; step: StepName; state: 'running' | 'ok' | 'failed'; output: string; ms: number }
  | { type: 'wave'; index: number; hosts: string[]; state: 'running' | 'ok' | 'failed' }
  | { type: 'done'; outcome: DeployOutcome; release: string; message: string };

export type DeployOutcome = 'succeeded' | 'failed' | 'rolled back';

export interface DeployRequest {
  app: string;
  spec: AppSpec;
  hosts: Host[];
  /** Deploy this existing release (a rollback): nothing is fetched or built. */
  release?: string;
  /** The git ref to deploy (default: the app's). */
  ref?: string;
  user?: string;
  /** Take over a lock left by someone else (a console that died mid-deploy); recorded on the host. */
  takeOver?: boolean;
}

export interface DeployResult {
  outcome: DeployOutcome;
  release: string;
  message: string;
  /** Each host's release before the deploy (null: none). */
  previous: Record<string, string | null>;
}

class StepFailure extends Error {}

export async function runDeploy(pool: SshPool, req: DeployRequest, onEvent: (e: DeployEvent) => void = () => undefined): Promise<DeployResult> {
  const user = req.user ?? userInfo().username;
  const isRollback = req.release !== undefined;
  const release = req.release ?? releaseId(new Date());
  const ctx = { deployTo: req.spec.deploy_to, release };
  const limit = new Semaphore(10);
  const previous: Record<string, string | null> = {};
  const locked: string[] = [];
  const byName = new Map(req.hosts.map((h) => [h.name, h]));

  const step = async (host: string, name: StepName, script: string): Promise<string> => {
    const started = Date.now();
    onEvent({ type: 'step', host, step: name, state: 'running', output: '', ms: 0 });
    let out = '';
    let err = '';
    try {
      const { code } = await pool.exec(host, script, { onStdout: (c) => (out += c.toString()), onStderr: (c) => (err += c.toString()), timeoutMs: 10 * 60_000 });
      if (code !== 0) throw new StepFailure(`${name} on ${host} failed (exit ${code}): ${(err || out).trim().split('\n').slice(-3).join(' / ')}`);
      onEvent({ type: 'step', host, step: name, state: 'ok', output: out + err, ms: Date.now() - started });
      return out.trim();
    } catch (error) {
      const message = error instanceof StepFailure ? error.message : `${name} on ${host} failed: ${(error as Error).message}`;
      onEvent({ type: 'step', host, step: name, state: 'failed', output: out + err + message, ms: Date.now() - started });
      throw new StepFailure(message);
    }
  };
  /** Runs fn on every host (10 at a time); the hosts that failed, with why. */
  const everywhere = async (hosts: readonly string[], fn: (host: string) => Promise<void>): Promise<Array<{ host: string; error: string }>> => {
    const failed: Array<{ host: string; error: string }> = [];
    await Promise.all(hosts.map((h) => limit.run(() => fn(h).catch((e: Error) => void failed.push({ host: h, error: e.message })))));
    return failed;
  };
  const done = (outcome: DeployOutcome, message: string): DeployResult => {
    onEvent({ type: 'done', outcome, release, message });
    return { outcome, release, message, previous };
  };
  const names = req.hosts.map((h) => h.name);

  // Preflight and lock: nothing on any host changes unless every host can take the deploy.
  const preflight = await everywhere(names, async (h) => {
    previous[h] = (await step(h, 'preflight', steps.preflightScript(ctx, req.spec.linked_files, req.takeOver))) || null;
  });
  if (preflight.length > 0) return done('failed', `Preflight failed, nothing was changed: ${preflight.map((f) => f.error).join('; ')}`);
  const holder = `${user}@${hostname()} pid ${process.pid} since ${new Date().toISOString()} (${isRollback ? 'rollback' : 'deploy'} ${req.app} ${release})`;
  const lockFailures = await everywhere(names, async (h) => {
    await step(h, 'lock', steps.lockScript(ctx, holder, req.takeOver));
    locked.push(h);
  });
  try {
    if (lockFailures.length > 0) return done('failed', `Could not lock every host, nothing was changed: ${lockFailures.map((f) => f.error).join('; ')}`);

    if (!isRollback) {
      const source = req.spec.source;
      if (!('git' in source)) return done('failed', 'Only git sources are deployed by this version (dir and tarball sources are not yet).');
      const prepared = await everywhere(names, async (h) => {
        await step(h, 'prepare', steps.prepareScript(ctx, { git: source.git, ref: req.ref ?? source.ref, linkedFiles: req.spec.linked_files, linkedDirs: req.spec.linked_dirs, build: req.spec.build }));
      });
      if (prepared.length > 0) return done('failed', `Preparing the release failed, no host was switched: ${prepared.map((f) => f.error).join('; ')}`);
    }

    const switched: string[] = [];
    const waves = planWaves(names, req.spec.waves as WaveSpec[]);
    for (const [index, wave] of waves.entries()) {
      onEvent({ type: 'wave', index, hosts: wave, state: 'running' });
      const failures = await everywhere(wave, async (h) => {
        await step(h, 'switch', steps.switchScript(ctx));
        switched.push(h);
        if (req.spec.restart) await step(h, 'restart', steps.restartScript(ctx, req.spec.restart));
        await healthGate(h);
      });
      if (failures.length > 0 && waveFailed(failures.length, wave.length, req.spec.max_failures as number | `${number}%`)) {
        onEvent({ type: 'wave', index, hosts: wave, state: 'failed' });
        const back = await rollBack(switched);
        return done('rolled back', `Wave ${index + 1} failed (${failures.map((f) => f.error).join('; ')}); ${back}`);
      }
      onEvent({ type: 'wave', index, hosts: wave, state: 'ok' });
    }

    await everywhere(names, async (h) => {
      const source = req.spec.source;
      const revision = isRollback ? release : await step(h, 'cleanup', `cat ${steps.remoteDir(ctx.deployTo)}/releases/${release}/REVISION`);
      const line = isRollback ? rollbackLogLine({ user, release }) : deployLogLine({ branch: req.ref ?? ('git' in source ? source.ref : 'local'), revision: revision.slice(0, 40), release, user });
      await step(h, 'cleanup', steps.logScript(ctx, line));
      const listed = (await step(h, 'cleanup', steps.listScript(ctx))).split('\n');
      const releases = listed.filter((l) => /^\d{14}$/.test(l));
      const remove = releasesToRemove(releases, req.spec.keep_releases, release, previous[h] ?? null);
      if (remove.length > 0) await step(h, 'cleanup', steps.removeReleasesScript(ctx, remove));
    });
    return done('succeeded', `${req.app} ${release} is live on ${names.length} host${names.length === 1 ? '' : 's'}.`);
  } finally {
    await everywhere(locked, (h) => step(h, 'unlock', steps.unlockScript(ctx)).then(() => undefined));
  }

  /** The app's health URL must answer 2xx within `within`, and still after the bake time. */
  async function healthGate(host: string, as: StepName = 'health'): Promise<void> {
    const health = req.spec.health;
    if (!health) return;
    const h = byName.get(host)!;
    const url = expandUrl(health.http, h);
    const within = parseDuration(health.within);
    const started = Date.now();
    onEvent({ type: 'step', host, step: as, state: 'running', output: url, ms: 0 });
    let last = '';
    const ok = async (): Promise<boolean> => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        last = `${url} answered ${res.status}`;
        return health.expect !== undefined ? res.status === health.expect : res.status >= 200 && res.status < 300;
      } catch (error) {
        last = `${url}: ${(error as Error).message}`;
        return false;
      }
    };
    while (!(await ok())) {
      if (Date.now() - started > within) {
        onEvent({ type: 'step', host, step: as, state: 'failed', output: last, ms: Date.now() - started });
        throw new StepFailure(`health of ${host} failed: ${last} (waited ${Math.round(within / 1000)} s)`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const bake = parseDuration(req.spec.bake);
    if (bake > 0) {
      await new Promise((r) => setTimeout(r, bake));
      if (!(await ok())) {
        onEvent({ type: 'step', host, step: as, state: 'failed', output: `${last} after the bake time`, ms: Date.now() - started });
        throw new StepFailure(`health of ${host} failed during the bake: ${last}`);
      }
    }
    onEvent({ type: 'step', host, step: as, state: 'ok', output: last, ms: Date.now() - started });
  }

  /** Every switched host back to its own previous release (or left as is if it had none). */
  async function rollBack(hosts: readonly string[]): Promise<string> {
    const failures = await everywhere(hosts, async (h) => {
      const to = previous[h];
      if (!to) return;
      await step(h, 'rollback', steps.switchScript({ ...ctx, release: to }));
      if (req.spec.restart) await step(h, 'rollback', steps.restartScript(ctx, req.spec.restart));
      // Back is only back when the old release answers again.
      await healthGate(h, 'rollback');
    });
    const moved = hosts.filter((h) => previous[h]).length;
    return failures.length === 0
      ? `${moved} switched host${moved === 1 ? '' : 's'} went back to their previous release; the others kept theirs.`
      : `rolling back failed on ${failures.map((f) => f.host).join(', ')}: ${failures.map((f) => f.error).join('; ')}`;
  }
}
