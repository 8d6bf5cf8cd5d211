// Where the machine's CPU goes while the terminal benchmark's `cat` runs, per MB shown: the
// page's main thread (xterm.js), the rest of Chromium, the core, the test host (its sshd, shell
// and `cat`, which on a real fleet run on the server, not beside the console) and what the kernel
// does for no process in particular (the pty's flush work, softirqs). All read from /proc, so the
// figures are the scheduler's own accounting. They say whether a throughput is possible at all on
// this machine: at N MB/s the parts need N × (their ms per MB) / 1000 cores.
import { readFileSync, readdirSync } from 'node:fs';
import { clkTck, processTree, readStat } from './procStats';

/** CPU seconds a process has used (user + system, all threads), with `children` its reaped children's too. */
function cpuS(pid: number, children = false): number {
  const stat = readStat(pid);
  return stat ? (stat.ticks + (children ? stat.childTicks : 0)) / clkTck() : 0;
}

/** Chromium's processes (browser, renderers, GPU, network and other utilities). */
export function chromiumPids(kind?: 'renderer'): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('/usr/lib/chromium/chromium') && (!kind || cmd.includes(`--type=${kind}`))) pids.push(Number(pid));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Seconds a process's main thread has run, and has waited on the run queue for a CPU. */
function schedstat(pid: number): { run: number; wait: number } {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { run: (run ?? 0) / 1e9, wait: (wait ?? 0) / 1e9 };
  } catch {
    return { run: 0, wait: 0 };
  }
}

/** Busy and total CPU seconds of the whole machine, all cores (the first line of /proc/stat). */
function machineS(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const n = fields.slice(0, 8).map(Number);
  const idle = n[3]! + n[4]!;
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / clkTck(), total: total / clkTck() };
}

export interface CpuSplit {
  /** Percent of all cores busy during the phase. */
  machineBusyPct: number;
  /** CPU seconds of the phase: the core, Chromium's renderer processes, and the page's main
   * thread's time run and time spent ready but waiting for a CPU. */
  seconds: { core: number; renderers: number; mainRun: number; mainWait: number };
  /** CPU milliseconds per MB shown, by part; `other` is the machine's busy time no part above accounts for. */
  msPerMb: { page_main_thread: number; chromium_rest: number; core: number; test_host: number; other: number };
}

interface Snapshot {
  machine: { busy: number; total: number };
  chromium: number;
  renderers: number;
  /** Each renderer's main thread, in seconds. */
  mainThreads: Map<number, { run: number; wait: number }>;
  core: number;
  testHost: number;
}

/** Measures one phase: made before it, `end(mb)` after; the test host is the tree under its sshd. */
export class CpuBudget {
  private readonly start: Snapshot;

  constructor(
    private readonly corePid: number,
    private readonly sshdPid: number,
  ) {
    this.start = this.snapshot();
  }

  end(mb: number): CpuSplit {
    const end = this.snapshot();
    const s = this.start;
    // The page's main thread is the busiest renderer main thread of the phase.
    const main = [...end.mainThreads]
      .map(([pid, t]) => {
        const before = s.mainThreads.get(pid) ?? t;
        return { run: t.run - before.run, wait: t.wait - before.wait };
      })
      .reduce((a, b) => (b.run > a.run ? b : a), { run: 0, wait: 0 });
    const chromium = end.chromium - s.chromium;
    const core = end.core - s.core;
    const testHost = end.testHost - s.testHost;
    const busy = end.machine.busy - s.machine.busy;
    const perMb = (seconds: number): number => Math.round((seconds * 1000 * 10) / mb) / 10;
    return {
      machineBusyPct: Math.round((100 * busy) / (end.machine.total - s.machine.total)),
      seconds: { core, renderers: end.renderers - s.renderers, mainRun: main.run, mainWait: main.wait },
      msPerMb: {
        page_main_thread: perMb(main.run),
        chromium_rest: perMb(chromium - main.run),
        core: perMb(core),
        test_host: perMb(testHost),
        other: perMb(Math.max(0, busy - chromium - core - testHost)),
      },
    };
  }

  private snapshot(): Snapshot {
    const renderers = chromiumPids('renderer');
    return {
      machine: machineS(),
      chromium: chromiumPids().reduce((n, pid) => n + cpuS(pid), 0),
      renderers: renderers.reduce((n, pid) => n + cpuS(pid), 0),
      mainThreads: new Map(renderers.map((pid) => [pid, schedstat(pid)])),
      core: cpuS(this.corePid),
      // The sshd's sessions, shells and commands; a `cat` that has exited is in its shell's cutime.
      testHost: processTree(this.sshdPid).reduce((n, pid) => n + cpuS(pid, true), 0),
    };
  }
}

/** Cores the parts would need together at `mbPerS`, if each part's cost per MB stayed as measured. */
export function coresNeeded(split: CpuSplit, mbPerS: number, without: Array<keyof CpuSplit['msPerMb']> = []): number {
  const ms = Object.entries(split.msPerMb).reduce((n, [part, v]) => n + (without.includes(part as keyof CpuSplit['msPerMb']) ? 0 : v), 0);
  return Math.round((mbPerS * ms) / 10) / 100;
}
