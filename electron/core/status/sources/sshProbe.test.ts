import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NODE_THRESHOLDS } from './nodeExporter';
import { parseSshProbe, SSH_PROBE_COMMAND } from './sshProbe';

describe('SSH probe', () => {
  it("reads this machine's own /proc and df", () => {
    const output = execSync(SSH_PROBE_COMMAND, { shell: '/bin/sh', encoding: 'utf8' });
    const { checks, samples } = parseSshProbe(output, DEFAULT_NODE_THRESHOLDS);
    const metrics = samples.map((s) => s.metric);
    expect(metrics).toEqual(expect.arrayContaining(['load1', 'load5', 'load15', 'mem_used_pct']));
    expect(metrics.some((m) => m.startsWith('disk_used_pct:/'))).toBe(true);
    expect(checks.find((c) => c.id === 'ssh:memory')?.reason).toMatch(/% used/);
  });

  it('applies thresholds and keeps mount points with spaces', () => {
    const output = [
      '0.50 0.40 0.30 1/100 42',
      '--fleetdeck--',
      'MemTotal:  1000 kB\nMemAvailable:  20 kB',
      '--fleetdeck--',
      'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 1000 900 100 90% /\n/dev/sdb1 1000 10 990 1% /mnt/my disk\n',
    ].join('\n');
    const { checks } = parseSshProbe(output, DEFAULT_NODE_THRESHOLDS);
    expect(checks.map((c) => [c.id, c.state])).toEqual([
      ['ssh:memory', 'CRITICAL'],
      ['ssh:disk:/', 'WARNING'],
      ['ssh:disk:/mnt/my disk', 'OK'],
    ]);
  });

  it('says so when the host is not Linux', () => {
    expect(() => parseSshProbe('sh: /proc/loadavg: No such file', DEFAULT_NODE_THRESHOLDS)).toThrow(/Linux/);
  });
});
