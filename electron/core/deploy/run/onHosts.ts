import { Aborted } from '../deployControl';
import { healthGate } from '../healthGate';
import type { DeployRun, StepName } from './state';

// How a run does things on its hosts: one script as one step, one function on many hosts at a
// bounded concurrency, and the health gate, each reported as the run's events.

/** A step that failed: its message is the run's words for it. */
export class StepFailure extends Error {}

/** A host on which a phase failed, and why. */
export interface HostFailure {
  host: string;
  error: string;
}

/** Runs a script on a host as one step; `stoppable` steps first pass the pause/abort checkpoint.
 * `judge` fails the step when what it printed is a reason to stop (null: fine). */
export async function runStep(
  run: DeployRun,
  host: string,
  name: StepName,
  script: string,
  stoppable = true,
  judge: (out: string) => string | null = () => null,
): Promise<string> {
  const { onEvent } = run;
  if (stoppable) await run.control.checkpoint();
  const started = Date.now();
  onEvent({ type: 'step', host, step: name, state: 'running', output: '', ms: 0 });
  let out = '';
  let err = '';
  try {
    const { code } = await run.pool.exec(host, script, {
      onStdout: (c) => (out += c.toString()),
      onStderr: (c) => (err += c.toString()),
      timeoutMs: 10 * 60_000,
    });
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
}

/** A step that is not a remote script (the upload), reported like one. */
export async function timedStep(run: DeployRun, host: string, name: StepName, fn: () => Promise<void>, what: string): Promise<void> {
  const { onEvent } = run;
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

/** Runs fn on every host (32 at a time); the hosts that failed, with why. An abort asked for
 * meanwhile is thrown once every host has stopped. */
export async function everywhere(run: DeployRun, hosts: readonly string[], fn: (host: string) => Promise<void>): Promise<HostFailure[]> {
  const failed: HostFailure[] = [];
  let aborted: Aborted | null = null;
  await Promise.all(
    hosts.map((h) =>
      run.limit.run(() =>
        fn(h).catch((e: Error) => {
          if (e instanceof Aborted) aborted = e;
          else failed.push({ host: h, error: e.message });
        }),
      ),
    ),
  );
  if (aborted) throw aborted;
  return failed;
}

/** The host's health gate (healthGate.ts), reported as the run's steps. */
export function gate(run: DeployRun, host: string, as: 'health' | 'rollback' = 'health'): Promise<void> {
  const { req, control, onEvent } = run;
  return healthGate({
    spec: req.spec,
    host: run.byName.get(host)!,
    as,
    control,
    ...(req.hostGate ? { hostGate: req.hostGate } : {}),
    ...(req.tunnelFor ? { tunnelFor: req.tunnelFor } : {}),
    onEvent,
  });
}

/** The failures' reasons, one after another. */
export function reasons(failures: readonly HostFailure[]): string {
  return failures.map((f) => f.error).join('; ');
}
