// Starting and stopping the fleet's daemons by pid. A pid alone can be reused by the kernel after
// the process died, so each process is identified by pid *and* its start time from /proc; a
// recorded pid whose start time no longer matches is some other process and is never signalled.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';

export interface ProcId {
  pid: number;
  /** Clock ticks since boot (/proc/PID/stat field 22); null where it is not known. */
  startTime: number | null;
  /** A string its /proc/PID/cmdline must contain (the host dir), a second guard against pid reuse. */
  match?: string;
}

interface ProcStat {
  state: string;
  ppid: number;
  startTime: number;
}

/** Reads /proc/PID/stat; null if the process is gone or there is no /proc. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, startTime] = [fields[0], fields[1], fields[19]];
  if (state === undefined || ppid === undefined || startTime === undefined) return null;
  return { state, ppid: Number(ppid), startTime: Number(startTime) };
}

const hasProc = existsSync('/proc/self/stat');

/**
 * Is this exact process still running? `process.kill(pid, 0)` says whether the pid exists; /proc
 * then rules out a reused pid (start time, cmdline) and a zombie. Zombies matter: where PID 1 does
 * not reap orphans (some containers and VMs), a stopped daemon stays a zombie forever, yet it is
 * gone for our purposes.
 */
export function isRunning(proc: ProcId): boolean {
  try {
    process.kill(proc.pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to someone else, so it cannot be ours.
    return false;
  }
  if (!hasProc) return true;
  const stat = readProcStat(proc.pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  if (proc.startTime !== null && stat.startTime !== proc.startTime) return false;
  return proc.match === undefined || readCmdline(proc.pid).includes(proc.match);
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export interface Spawned extends ProcId {
  child: ChildProcess;
}

/** What the child writes about itself into the journal before it becomes the daemon. */
export interface SelfRecord {
  journal: string;
  host: string;
  kind: string;
  config: string;
  match: string;
}

/**
 * The child appends its own pid to the journal, then execs the daemon (same pid). So a pid is
 * on disk before the daemon exists, even if the parent is killed in the middle of spawn() (which
 * is where a busy `up` spends its time). Values travel as arguments, never inside the script.
 */
const SELF_RECORD = [
  'printf \'{"host":"%s","kind":"%s","pid":%s,"startTime":null,"config":"%s","match":"%s"}\\n\' "$1" "$2" "$$" "$3" "$4" >> "$5" || exit 97',
  'shift 5',
  'exec "$@"',
].join('\n');

/**
 * Starts a daemon in the foreground mode of its own (so its pid is the one we record), detached
 * into its own session so it outlives the CLI and ignores the terminal's Ctrl-C, with stdout and
 * stderr appended to a log file.
 */
export function spawnDaemon(command: string, args: string[], logFile: string, self: SelfRecord): Spawned {
  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    const wrapperArgs = ['-c', SELF_RECORD, 'fleet-spawn', self.host, self.kind, self.config, self.match, self.journal, command, ...args];
    child = spawn('/bin/sh', wrapperArgs, { detached: true, stdio: ['ignore', out, out], env: daemonEnv() });
  } finally {
    closeSync(out);
  }
  child.unref();
  // Errors (ENOENT, EACCES) arrive as events; without a listener they would crash the process.
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const stat = readProcStat(child.pid);
  return { pid: child.pid, startTime: stat ? stat.startTime : null, match: self.match, child };
}

/** A small, predictable environment for daemons: nothing of the caller's leaks into sessions. */
function daemonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/**
 * All live descendants of the given processes (e.g. sshd's per-connection children, which sshd
 * puts in sessions of their own, so killing the listener would otherwise leave them running).
 */
export function descendantsOf(roots: ProcId[]): ProcId[] {
  if (!hasProc || roots.length === 0) return [];
  const children = new Map<number, Array<ProcId>>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (!stat || stat.state === 'Z') continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid, startTime: stat.startTime });
    children.set(stat.ppid, list);
  }
  const found: ProcId[] = [];
  const queue = roots.filter(isRunning).map((p) => p.pid);
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signal(proc: ProcId, sig: NodeJS.Signals): void {
  if (!isRunning(proc)) return;
  try {
    process.kill(proc.pid, sig);
  } catch {
    // Gone between the check and the kill: that is what we wanted.
  }
}

/**
 * TERM, wait up to graceMs, then KILL whatever is left and wait again. Resolves with the
 * processes that are still running afterwards (normally none).
 */
export async function stopProcesses(procs: ProcId[], graceMs = 5000, killWaitMs = 3000): Promise<ProcId[]> {
  const pending = () => procs.filter(isRunning);
  for (const proc of pending()) signal(proc, 'SIGTERM');
  if (await waitUntilGone(pending, graceMs)) return [];
  for (const proc of pending()) signal(proc, 'SIGKILL');
  await waitUntilGone(pending, killWaitMs);
  return pending();
}

async function waitUntilGone(pending: () => ProcId[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (pending().length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}
