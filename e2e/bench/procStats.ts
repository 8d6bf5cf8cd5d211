// CPU and memory of one process or a process tree, read from /proc: utime+stime (fields 14 and
// 15 of /proc/PID/stat, all threads included) and VmRSS / VmHWM from /proc/PID/status. Reading
// them costs a few syscalls, so the bench samples once per poll interval and its own overhead
// stays out of the way (and is measured apart, with process.cpuUsage()).
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

let clockTicks = 0;

/** USER_HZ: the unit of utime/stime (100 on every Linux in practice; asked of getconf once). */
export function clkTck(): number {
  if (clockTicks === 0) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    const n = Number(out);
    clockTicks = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

export interface Stat {
  ppid: number;
  /** utime + stime, in clock ticks (clkTck() per second). */
  ticks: number;
  /** cutime + cstime: the reaped children's ticks. */
  childTicks: number;
  sysTicks: number;
  startTime: number;
}

export function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 2 (comm) may hold spaces and parentheses: split after the last ')'. fields[0] is field 3.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(f[1]);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  const startTime = Number(f[19]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { ppid, ticks: utime + stime, childTicks: Number(f[13]) + Number(f[14]), sysTicks: stime, startTime };
}

export function readStatusKb(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its live descendants (one scan of /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(Number(entry));
    else children.set(stat.ppid, [Number(entry)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return out;
}

export interface Usage {
  /** utime+stime of the processes, in seconds. */
  cpuS: number;
  /** stime alone: time in the kernel on the processes' behalf (syscalls: sockets, files). */
  sysS: number;
  /** Sum of VmRSS, in MB. */
  rssMb: number;
  /** Sum of VmHWM (peak RSS), in MB. */
  hwmMb: number;
}

/**
 * Usage of a fixed set of processes. CPU of a process that has exited is lost (its parent's
 * cutime gets it), so the sets measured here are daemons that live for the whole run; a
 * tracker keeps the last value seen per pid so a process that vanished still counts.
 */
export class UsageTracker {
  private readonly lastTicks = new Map<string, { ticks: number; sys: number }>();

  constructor(private readonly pids: () => number[]) {}

  sample(): Usage {
    let rssKb = 0;
    let hwmKb = 0;
    for (const pid of this.pids()) {
      const stat = readStat(pid);
      if (!stat) continue;
      // Keyed by pid and start time, so a reused pid is a different process.
      this.lastTicks.set(`${pid}@${stat.startTime}`, { ticks: stat.ticks, sys: stat.sysTicks });
      rssKb += readStatusKb(pid, 'VmRSS');
      hwmKb += readStatusKb(pid, 'VmHWM');
    }
    let ticks = 0;
    let sys = 0;
    for (const value of this.lastTicks.values()) {
      ticks += value.ticks;
      sys += value.sys;
    }
    return { cpuS: ticks / clkTck(), sysS: sys / clkTck(), rssMb: rssKb / 1024, hwmMb: hwmKb / 1024 };
  }
}
