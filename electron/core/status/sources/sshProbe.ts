import type { Check, Sample, SourceResult } from '../../../../shared/status/model';
import { thresholdCheck, type NodeThresholds } from './nodeExporter';
import { ParseError } from '../../common/parseError';

// The SSH probe for hosts that expose nothing: one command over the pooled connection reads the
// load, memory and disks from /proc and df, in sections split by a marker line.

const MARK = '--fleetdeck--';
export const SSH_PROBE_COMMAND = `cat /proc/loadavg; echo ${MARK}; cat /proc/meminfo; echo ${MARK}; df -P -k -x tmpfs -x devtmpfs -x overlay -x squashfs 2>/dev/null; true`;

export function parseSshProbe(output: string, limits: NodeThresholds): SourceResult {
  const [loadavg, meminfo, df] = output.split(`${MARK}\n`);
  if (loadavg === undefined || meminfo === undefined || df === undefined) {
    throw new ParseError('the probe printed something else than /proc/loadavg, /proc/meminfo and df (is this a Linux host?)');
  }
  const samples: Sample[] = [];
  const checks: Check[] = [];
  const loads = loadavg.trim().split(/\s+/).slice(0, 3).map(Number);
  ['load1', 'load5', 'load15'].forEach((metric, i) => {
    const value = loads[i];
    if (value !== undefined && Number.isFinite(value)) samples.push({ metric, value });
  });

  const mem = new Map<string, number>();
  for (const line of meminfo.split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) mem.set(m[1]!, Number(m[2]));
  }
  const total = mem.get('MemTotal');
  const available = mem.get('MemAvailable');
  if (total && available !== undefined) {
    const used = 100 * (1 - available / total);
    samples.push({ metric: 'mem_used_pct', value: used });
    checks.push(thresholdCheck('ssh', 'ssh:memory', 'memory', used, limits.memWarnPct, limits.memCritPct, `memory ${used.toFixed(1)} % used`));
  }

  for (const line of df.split('\n').slice(1)) {
    // Filesystem 1024-blocks Used Available Capacity Mounted-on (the mount may hold spaces)
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const size = Number(f[1]);
    const avail = Number(f[3]);
    const mount = f.slice(5).join(' ');
    if (!(size > 0) || !Number.isFinite(avail)) continue;
    const used = 100 * (1 - avail / size);
    samples.push({ metric: `disk_used_pct:${mount}`, value: used });
    checks.push(thresholdCheck('ssh', `ssh:disk:${mount}`, `disk ${mount}`, used, limits.diskWarnPct, limits.diskCritPct, `${mount} ${used.toFixed(1)} % full`));
  }
  return { checks, samples };
}
