import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSamples, parseNodeExporter } from './nodeExporter';
import { ParseError } from './parseError';

// Two real scrapes of node_exporter 1.5.0, 10 s apart, with one of two cores busy.
const t0 = readFileSync(join(__dirname, 'fixtures', 'node_exporter-1.5.0-t0.txt'), 'utf8');
const t1 = readFileSync(join(__dirname, 'fixtures', 'node_exporter-1.5.0-t1.txt'), 'utf8');
const values = (r: ReturnType<typeof nodeSamples>) => Object.fromEntries(r.samples.map((s) => [s.metric, s.value]));

describe('node_exporter', () => {
  it('computes CPU busy from counter deltas: about 50.7 % with one of two cores busy', () => {
    const v = values(nodeSamples(parseNodeExporter(t0), parseNodeExporter(t1)));
    expect(v.cpu_pct).toBeGreaterThan(50.2);
    expect(v.cpu_pct).toBeLessThan(51.2);
  });

  it('reads load, memory, disks, network rates and uptime', () => {
    const prev = parseNodeExporter(t0);
    const cur = parseNodeExporter(t1);
    const result = nodeSamples(prev, cur);
    const v = values(result);
    expect(v.load1).toBeGreaterThan(0);
    expect(v.mem_used_pct).toBeGreaterThan(0);
    expect(v.mem_used_pct).toBeLessThan(100);
    expect(Object.keys(v).some((k) => k.startsWith('disk_used_pct:/'))).toBe(true);
    expect(Object.keys(v).some((k) => k.startsWith('net_rx_bps:'))).toBe(true);
    expect(Object.keys(v)).not.toContain('net_rx_bps:lo');
    expect(v.uptime_s).toBeGreaterThan(0);
    expect(result.checks.find((c) => c.id === 'node_exporter:scrape')).toMatchObject({ state: 'OK' });
  });

  it('gives no CPU or network rate on the first scrape or after a counter reset', () => {
    expect(values(nodeSamples(null, parseNodeExporter(t1))).cpu_pct).toBeUndefined();
    const v = values(nodeSamples(parseNodeExporter(t1), parseNodeExporter(t0)));
    expect(v.cpu_pct).toBeUndefined();
    expect(Object.values(v).every((x) => x >= 0)).toBe(true);
  });

  it('turns full disks and memory into WARNING and CRITICAL checks', () => {
    const scrape = parseNodeExporter(
      'node_memory_MemTotal_bytes 100\nnode_memory_MemAvailable_bytes 2\n' +
        'node_filesystem_size_bytes{device="/dev/vda",fstype="ext4",mountpoint="/"} 100\n' +
        'node_filesystem_avail_bytes{device="/dev/vda",fstype="ext4",mountpoint="/"} 10\n' +
        'node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/tmp"} 100\n' +
        'node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/tmp"} 0\n',
    );
    const checks = Object.fromEntries(nodeSamples(null, scrape).checks.map((c) => [c.id, c]));
    expect(checks['node_exporter:memory']).toMatchObject({ state: 'CRITICAL' });
    expect(checks['node_exporter:disk:/']).toMatchObject({ state: 'WARNING', reason: '/ 90.0 % full (warning at 85 %)' });
    expect(checks['node_exporter:disk:/tmp']).toBeUndefined();
  });

  it('says what it got when it is not node_exporter', () => {
    const message = (text: string): string => {
      try {
        parseNodeExporter(text);
      } catch (error) {
        expect(error).toBeInstanceOf(ParseError);
        return (error as Error).message;
      }
      throw new Error('expected a ParseError');
    };
    expect(message('<html><body>It works!</body></html>')).toMatch(/HTML/);
    expect(message('# only comments\n')).toMatch(/no metrics/);
    expect(message('go_goroutines 7\n')).toMatch(/none from node_exporter/);
    expect(message('')).toMatch(/empty/);
  });
});
