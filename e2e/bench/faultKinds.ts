// The faults the drill injects, each for real: a process killed, a link taken down, a disk
// filled, a health URL failing, another tool deploying. inject() breaks something and says how to
// heal it; the drill heals it after `healAfterMs` (a host that died comes back, a link comes up).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setPrivateLink, stopDaemon } from '../fleet/fleet';
import { descendantsOf, isRunning, readProcStat } from '../fleet/procs';
import { readState } from '../fleet/state';
import type { DrillHost, FaultBed } from './faultBed';

export const FAULT_KINDS = ['sshd-kill', 'host-kill', 'link-private', 'link-bastion', 'console-kill', 'disk-full', 'monit-stop', 'health-500', 'capistrano'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Injected {
  kind: FaultKind;
  /** What was broken where, for the log and for a violation's report. */
  what: string;
  healAfterMs: number;
  heal(): Promise<void>;
}

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: Random, lowMs: number, highMs: number): number => Math.round(lowMs + random() * (highMs - lowMs));

/** Breaks one thing of `kind`, on one of `targets` (the hosts the round's deploy goes to) where a
 * host is needed. */
export async function inject(kind: FaultKind, bed: FaultBed, targets: readonly DrillHost[], random: Random): Promise<Injected> {
  const host = pick(random, targets.length > 0 ? targets : bed.hosts);
  switch (kind) {
    case 'sshd-kill': {
      await stopDaemon(bed.dir, host.name, 'sshd');
      return { kind, what: `sshd of ${host.name} killed (with its sessions)`, healAfterMs: between(random, 1000, 6000), heal: () => bed.restore() };
    }
    case 'host-kill': {
      const killed = killHost(bed.dir, host);
      return { kind, what: `${host.name} died: ${killed} processes (sshd and its sessions, Monit, the app) killed with -9`, healAfterMs: between(random, 2000, 8000), heal: () => bed.restore() };
    }
    case 'link-private':
    case 'link-bastion': {
      const which = kind === 'link-private' ? 'private' : 'bastion';
      setPrivateLink(bed.dir, which, false);
      return { kind, what: `the ${which} link down`, healAfterMs: between(random, 2000, 6000), heal: async () => setPrivateLink(bed.dir, which, true) };
    }
    case 'console-kill': {
      await bed.console.kill9();
      return { kind, what: 'the console killed with -9', healAfterMs: between(random, 300, 2000), heal: () => bed.restartConsole() };
    }
    case 'disk-full': {
      const full = pick(random, bed.hosts.filter((h) => h.tmpfs));
      const file = join(full.appDir, 'faults-fill');
      // dd stops at ENOSPC: the filesystem deploy_to is on is then full to the last block.
      execFileSync('sh', ['-c', 'dd if=/dev/zero of="$1" bs=1M 2>/dev/null || true', 'fill', file]);
      return { kind, what: `deploy_to of ${full.name} full (a tmpfs of its own)`, healAfterMs: between(random, 2000, 8000), heal: async () => rmSync(file, { force: true }) };
    }
    case 'monit-stop': {
      await stopDaemon(bed.dir, host.name, 'monit');
      // Up to past the health gate's 10 s: a gate rides out a short outage, not a long one.
      return { kind, what: `Monit of ${host.name} stopped`, healAfterMs: between(random, 2000, 15_000), heal: () => bed.restore() };
    }
    case 'health-500': {
      const shared = join(host.appDir, 'shared');
      mkdirSync(shared, { recursive: true });
      writeFileSync(join(shared, 'health-500'), '');
      return { kind, what: `the app's /health on ${host.name} answers 500`, healAfterMs: between(random, 2000, 15_000), heal: async () => rmSync(join(shared, 'health-500'), { force: true }) };
    }
    case 'capistrano': {
      const branch = pick(random, ['v1', 'v2', 'v4']);
      // USER names cap's lines in revisions.log ("… by capistrano"): how the check tells them apart.
      const run = bed.cap.cap('deploy', { USER: 'capistrano', BRANCH: branch }).then(
        () => 'deployed',
        (e: Error) => (e.message.includes("Fleetdeck's deploy lock is held") ? 'stopped by the lock' : `failed: ${capError(e.message)}`),
      );
      let outcome = '';
      const injected: Injected = {
        kind,
        what: `cap production deploy (${branch}) on the direct app hosts`,
        healAfterMs: 0,
        heal: async () => {
          outcome = await run;
          injected.what += `: ${outcome}`;
        },
      };
      return injected;
    }
  }
}

/** A machine dying: its sshd (and every session), its Monit and its app, killed with -9 at once. */
function killHost(dir: string, host: DrillHost): number {
  const daemons = (readState(dir)?.procs ?? []).filter((p) => p.host === host.name && isRunning(p));
  const app = appProcess(host);
  const all = [...daemons, ...descendantsOf(daemons), ...(app ? [app, ...descendantsOf([app])] : [])];
  for (const p of all) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return all.length;
}

function appProcess(host: DrillHost): { pid: number; startTime: number | null } | null {
  const pidFile = join(host.appDir, 'shared', 'tmp', 'pids', 'app.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return null;
  // The pid file may be old and its pid another process's now: only the app runs from inside the host's folder.
  let cwd = '';
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
  const proc = { pid, startTime: readProcStat(pid)?.startTime ?? null };
  return cwd.startsWith(host.hostDir) && isRunning(proc) ? proc : null;
}

/** The lines of cap's output that say why it failed (its log is mostly INFO lines). */
function capError(output: string): string {
  const lines = output.split('\n').filter((l) => /ERROR|Error|error:|Exception/.test(l));
  return (lines.length > 0 ? lines : output.split('\n').slice(-3)).slice(0, 3).join(' ').slice(0, 300);
}
