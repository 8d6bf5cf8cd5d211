// One Monit per test host, with its httpd on the host's address, watching that host's sshd.
// Later work adds the host's app by dropping stanzas into D/hosts/host-N/monit.d/ (see
// addMonitCheck in fleet.ts), which the control file includes.
import { readFileSync, realpathSync } from 'node:fs';
import { MONIT_PORT, type HostPaths } from './layout';

export interface MonitrcInput {
  name: string;
  address: string;
  paths: HostPaths;
  user: string;
  password: string;
  /** Seconds between Monit cycles. */
  interval: number;
  /** Mount point that holds the host dir, for a filesystem check; null to skip it. */
  mountPoint: string | null;
  /** Clients to let in besides localhost (CIDR): a private host's Monit is asked by its bastion,
   * over a channel from 198.18.0.254, and by the host itself (`via: host`) from its own address. */
  allowNetwork?: string | null;
}

/**
 * Monit refuses a control file that is not 0600 and owned by its user; fleet.ts writes it so.
 * Every state file is per host so the Monits never share an id or state. `allow localhost` is
 * enough for loopback clients: connections to 127.0.x.y come from 127.0.0.1. Credentials are
 * still required even from an allowed host (Monit checks both).
 */
export function renderMonitrc(input: MonitrcInput): string {
  const { paths } = input;
  const lines = [
    `# Written by e2e/fleet (monit.ts) for ${input.name} of a test fleet on loopback.`,
    `# Extra checks for this host go in ${paths.monitDir}/ (included below); reload with SIGHUP.`,
    // No `with start delay` to spread large fleets' cycles: Monit 5.33 then delays its httpd too.
    `set daemon ${input.interval}`,
    `set pidfile ${paths.monitPid}`,
    `set idfile ${paths.monitId}`,
    `set statefile ${paths.monitState}`,
    `set logfile ${paths.monitLog}`,
    `set httpd port ${MONIT_PORT} address ${input.address}`,
    '    allow localhost',
    ...(input.allowNetwork ? [`    allow ${input.allowNetwork}`] : []),
    `    allow ${input.user}:"${input.password}"`,
    '',
    `check system ${input.name}`,
    `check process sshd with pidfile ${paths.sshdPid}`,
    // The host dir stands for the host's disk: a directory check says it is there ...
    `check directory disk with path ${paths.dir}`,
  ];
  // ... and, since Monit's filesystem check wants a mount point, not any directory, the
  // filesystem that holds it gives the disk usage numbers.
  if (input.mountPoint) lines.push(`check filesystem fs with path ${input.mountPoint}`);
  lines.push('', `include ${paths.monitDir}/*`);
  return lines.join('\n') + '\n';
}

/**
 * Every Monit with a process or system check reads all of the machine's processes each cycle,
 * and the machine runs ~3 processes per test host, so the whole fleet's Monit work grows with
 * hosts² (measured: 200 hosts at 5 s ≈ 1.4 CPUs). Up to 50 hosts the cycle is 5 s; beyond, it
 * grows with the square so the total stays about what 50 hosts cost, capped at 5 minutes. The
 * console reads Monit's last answer over HTTP at any time, so only freshness suffers.
 */
export function defaultMonitInterval(hosts: number): number {
  return hosts <= 50 ? 5 : Math.min(300, Math.ceil(5 * (hosts / 50) ** 2));
}

/** -I keeps Monit in the foreground so the pid we spawn is Monit's own. */
export function monitArgs(paths: HostPaths): string[] {
  return ['-I', '-c', paths.monitrc];
}

/** The mount point whose filesystem holds path: the longest mount point that prefixes it. */
export function mountPointOf(path: string): string | null {
  let mounts: string;
  let real: string;
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8');
    real = realpathSync(path);
  } catch {
    return null;
  }
  let best: string | null = null;
  for (const line of mounts.split('\n')) {
    const raw = line.split(' ')[1];
    if (!raw) continue;
    // /proc/self/mounts escapes spaces and the like as octal (\040).
    const mount = raw.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    const inside = mount === '/' || real === mount || real.startsWith(`${mount}/`);
    if (inside && (!best || mount.length > best.length)) best = mount;
  }
  return best;
}
