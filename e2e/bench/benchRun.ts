// What every benchmark that starts daemons does around its work: stops them all (in the reverse
// order of their start) whatever happens, turns Ctrl-C, SIGTERM and SIGHUP into a clean stop with
// no figures, and removes its temp dir unless told to keep it or the run failed.
import { rmSync } from 'node:fs';
import { clearJournal } from './daemons';

export class Interrupted extends Error {}

export interface Stopper {
  what: string;
  stop: () => Promise<void>;
}

export interface BenchContext {
  signal: AbortSignal;
  /** What to stop at the end, pushed as each thing starts. */
  stoppers: Stopper[];
  /** The run's temp dir, removed at the end (kept with `keep`, or after a failure). */
  setDir(dir: string): void;
  log(message: string): void;
}

export async function runBench(opts: { keep: boolean; kept: string }, body: (ctx: BenchContext) => Promise<number>): Promise<number> {
  const log = (message: string) => console.log(message);
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping everything the bench started …`);
    abort.abort(new Interrupted(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const stoppers: Stopper[] = [];
  let dir = '';
  let failed = false;
  try {
    return await body({ signal: abort.signal, stoppers, setDir: (d) => (dir = d), log });
  } catch (error) {
    failed = true;
    if (error instanceof Interrupted || abort.signal.aborted) {
      log('interrupted: no figures.');
      return 130;
    }
    throw error;
  } finally {
    let allStopped = true;
    for (const { what, stop } of stoppers.reverse()) {
      try {
        await stop();
      } catch (error) {
        allStopped = false;
        console.error(`could not stop ${what}: ${(error as Error).message}`);
      }
    }
    // Everything is stopped: the journal of pids has nothing left to tell a later run.
    if (allStopped) clearJournal();
    if (dir) {
      if (opts.keep || failed) log(`kept ${dir} (${opts.kept})`);
      else rmSync(dir, { recursive: true, force: true });
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

/** Resolves at time `t` (ms since the epoch), or rejects when the run is interrupted. */
export function sleepUntil(t: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, t - Date.now()));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Percentage of one core that `cpuS` seconds of CPU are over `ms` milliseconds. */
export function pct(cpuS: number, ms: number): number {
  return ms > 0 ? (100 * cpuS * 1000) / ms : NaN;
}
