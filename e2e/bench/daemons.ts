// Starting and stopping what the bench runs, by pid. Every daemon runs under coreutils'
// `timeout` as a watchdog, so that even if the bench itself is killed with SIGKILL nothing it
// started keeps polling past its planned end. Every pid also goes into a journal in the temp
// dir's parent, and a later run stops what an earlier, killed run left behind (pid, start time
// and a string of its command line must all match, so a reused pid is never signalled).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, readProcStat, stopProcesses, type ProcId } from '../fleet/procs';
import { processTree } from './procStats';

const JOURNAL = join(tmpdir(), 'fleetdeck-bench-poll.pids');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records a process so a later run can stop it if this one dies without cleaning up. */
export function journal(proc: ProcId): void {
  appendFileSync(JOURNAL, JSON.stringify(proc) + '\n');
}

export function clearJournal(): void {
  rmSync(JOURNAL, { force: true });
}

/** Stops what earlier, killed runs left behind; returns how many it stopped. */
export async function stopLeftovers(log: (message: string) => void): Promise<number> {
  let lines: string[];
  try {
    lines = readFileSync(JOURNAL, 'utf8').split('\n').filter(Boolean);
  } catch {
    return 0;
  }
  const alive: ProcId[] = [];
  for (const line of lines) {
    try {
      const proc = JSON.parse(line) as ProcId;
      if (proc.match && isRunning(proc)) alive.push(proc);
    } catch {
      // a torn line from a killed run
    }
  }
  if (alive.length > 0) {
    log(`stopping ${alive.length} process(es) left by an earlier bench run: pids ${alive.map((p) => p.pid).join(', ')}`);
    await stopProcesses(alive, 5000, 3000);
  }
  rmSync(JOURNAL, { force: true });
  return alive.length;
}

export interface Daemon {
  what: string;
  /** The `timeout` watchdog. */
  wrapper: ProcId;
  /** The daemon itself (the watchdog's child). */
  main: ProcId;
  logFile: string;
  child: ChildProcess;
  /** The daemon and its descendants (nginx: master and workers). */
  tree(): number[];
  stop(): Promise<void>;
}

function procId(pid: number, match: string): ProcId {
  return { pid, startTime: readProcStat(pid)?.startTime ?? null, match };
}

/**
 * Runs `command args` under `timeout -k 5 limitS`, detached into its own session (so a Ctrl-C
 * at the terminal reaches only the bench, which then stops it in order), output to logFile.
 * `match` must appear in the daemon's command line (the run's temp dir does).
 */
export async function startDaemon(opts: {
  what: string;
  timeoutBin: string;
  limitS: number;
  command: string;
  args: string[];
  logFile: string;
  match: string;
}): Promise<Daemon> {
  const out = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    const args = ['-k', '5', `${Math.ceil(opts.limitS)}s`, opts.command, ...opts.args];
    child = spawn(opts.timeoutBin, args, { detached: true, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  child.unref();
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`could not start ${opts.what}`);
  const wrapper = procId(child.pid, opts.match);
  journal(wrapper);
  // timeout forks, then the child execs the daemon: wait until that child shows in /proc.
  let mainPid = 0;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const tree = processTree(child.pid);
    const candidate = tree[1];
    if (candidate !== undefined && (readFileSafe(`/proc/${candidate}/cmdline`).includes(opts.match))) {
      mainPid = candidate;
      break;
    }
    if (child.exitCode !== null) break;
    await sleep(10);
  }
  if (mainPid === 0) throw new Error(`${opts.what} did not start (see ${opts.logFile})${logTail(opts.logFile)}`);
  const main = procId(mainPid, opts.match);
  journal(main);
  const daemon: Daemon = {
    what: opts.what,
    wrapper,
    main,
    logFile: opts.logFile,
    child,
    tree: () => (isRunning(main) ? processTree(main.pid) : []),
    stop: async () => {
      // TERM to the daemon (timeout then exits with it); KILL after a grace period. The
      // daemon's own children (nginx workers) are collected first so none is left behind.
      const members = daemon.tree().map((pid) => procId(pid, ''));
      const left = await stopProcesses([main, wrapper], 10000, 3000);
      const stragglers = members.filter((m) => m.pid !== main.pid && isRunning(m));
      if (stragglers.length > 0) await stopProcesses(stragglers, 1000, 2000);
      if (left.length > 0) throw new Error(`${opts.what}: pids ${left.map((p) => p.pid).join(', ')} survived SIGKILL`);
    },
  };
  return daemon;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function logTail(file: string, lines = 8): string {
  const text = readFileSafe(file).trimEnd();
  return text ? `\n  ${file}:\n    ${text.split('\n').slice(-lines).join('\n    ')}` : '';
}
