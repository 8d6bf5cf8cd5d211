import type { CheckState } from '../../../../shared/status/model';

// Monit's `status` is a bit mask of failed events and `monitor` a bit mask of monitoring state
// (monit src/event.h and src/monit.h). Names follow Monit's own event names.

const EVENTS: [bit: number, name: string, state: CheckState][] = [
  [0x1, 'checksum changed', 'WARNING'],
  [0x2, 'resource limit exceeded', 'WARNING'],
  [0x4, 'timeout', 'CRITICAL'],
  [0x8, 'timestamp changed', 'WARNING'],
  [0x10, 'size changed', 'WARNING'],
  [0x20, 'connection failed', 'CRITICAL'],
  [0x40, 'permission changed', 'WARNING'],
  [0x80, 'uid changed', 'WARNING'],
  [0x100, 'gid changed', 'WARNING'],
  [0x200, 'does not exist', 'CRITICAL'],
  [0x400, 'invalid type', 'CRITICAL'],
  [0x800, 'data access error', 'CRITICAL'],
  [0x1000, 'execution failed', 'CRITICAL'],
  [0x2000, 'filesystem flags changed', 'WARNING'],
  [0x4000, 'ping failed', 'CRITICAL'],
  [0x8000, 'content matched', 'WARNING'],
  [0x10000, 'instance changed', 'WARNING'],
  [0x20000, 'action done', 'WARNING'],
  [0x40000, 'pid changed', 'WARNING'],
  [0x80000, 'ppid changed', 'WARNING'],
  [0x100000, 'heartbeat missed', 'CRITICAL'],
  [0x200000, 'status failed', 'CRITICAL'],
  [0x400000, 'uptime changed', 'WARNING'],
  [0x800000, 'link down', 'CRITICAL'],
  [0x1000000, 'speed changed', 'WARNING'],
  [0x2000000, 'saturation exceeded', 'WARNING'],
  [0x4000000, 'download bytes exceeded', 'WARNING'],
  [0x8000000, 'upload bytes exceeded', 'WARNING'],
  [0x10000000, 'download packets exceeded', 'WARNING'],
  [0x20000000, 'upload packets exceeded', 'WARNING'],
  [0x40000000, 'exists', 'CRITICAL'],
];

export interface DecodedStatus {
  state: CheckState;
  reasons: string[];
}

/** The failed events of a status mask: CRITICAL if any of them is, else WARNING; OK when 0. */
export function decodeStatus(mask: number): DecodedStatus {
  if (mask === 0) return { state: 'OK', reasons: [] };
  const reasons: string[] = [];
  let state: CheckState = 'WARNING';
  for (const [bit, name, eventState] of EVENTS) {
    if ((mask & bit) === 0) continue;
    reasons.push(name);
    if (eventState === 'CRITICAL') state = 'CRITICAL';
  }
  if (reasons.length === 0) reasons.push(`unknown failure (status ${mask})`);
  return { state, reasons };
}

export const SERVICE_TYPES: Record<number, string> = {
  0: 'filesystem',
  1: 'directory',
  2: 'file',
  3: 'process',
  4: 'host',
  5: 'system',
  6: 'fifo',
  7: 'program',
  8: 'net',
};

/** Monitoring state: 0 not monitored, 1 monitored, 2 initializing, 4 waiting. */
export function describeMonitor(monitor: number): string | null {
  if (monitor === 0) return 'not monitored (disabled in Monit)';
  if (monitor & 2) return 'Monit is still initializing this check';
  if (monitor & 4) return 'Monit is waiting for the next cycle of this check';
  return null;
}
