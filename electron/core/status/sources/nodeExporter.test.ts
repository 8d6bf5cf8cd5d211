import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterMemory, NodeExporterReader, nodeSamples, parseNodeExporter, type NodeScrape } from './nodeExporter';
import { ParseError } from '../../common/parseError';

// Two real scrapes of node_exporter 1.5.0, 10 s apart, with one of two cores busy.
const t0 = readFileSync(join(__dirname, 'fixtures', 'node_exporter-1.5.0-t0.txt'), 'utf8');
const t1 = readFileSync(join(__dirname, 'fixtures', 'node_exporter-1.5.0-t1.txt'), 'utf8');
const values = (r: ReturnType<typeof nodeSamples>) => Object.fromEntries(r.samples.map((s) => [s.metric, s.value]));

/** Reads `text` as the socket would give it: cut at `cuts`, each part in one buffer that the next
 * read overwrites (so the reader must copy what it keeps). */
function readInParts(text: string, cuts: number[]): NodeScrape {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new NodeExporterReader(0);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const shared = Buffer.from(bytes.subarray(from, cut));
    reader.write(shared);
    shared.fill(0x23);
    from = cut;
  }
  return reader.end();
}

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

  it('keeps the counters a probe needs in place: the same rates as the whole scrape, gone devices dropped', () => {
    const memory = new CounterMemory();
    memory.remember(parseNodeExporter(t0));
    const rx = memory.rx;
    expect(values(nodeSamples(memory, parseNodeExporter(t1)))).toEqual(values(nodeSamples(parseNodeExporter(t0), parseNodeExporter(t1))));
    const devices = [...memory.rx.keys()];
    expect(devices.length).toBeGreaterThan(0);
    memory.remember(parseNodeExporter(t1.split('\n').filter((line) => !line.includes(`device="${devices[0]}"`)).join('\n')));
    expect(memory.rx).toBe(rx);
    expect([...memory.rx.keys()]).toEqual(devices.slice(1));
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

  it('reads an answer cut anywhere the same as in one piece', () => {
    const text =
      '# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.5\n' +
      'node_filesystem_size_bytes{device="/dev/vdb",fstype="ext4",mountpoint="/srv/données"} 200\n' +
      'node_filesystem_avail_bytes{device="/dev/vdb",fstype="ext4",mountpoint="/srv/données"} 50\n' +
      'node_cpu_seconds_total{cpu="0",mode="idle"} 10\nnode_cpu_seconds_total{cpu="0",mode="user"} 5\n' +
      'node_network_receive_bytes_total{device="eth0"} 1234\nnode_time_seconds 1700000000.5\n';
    const whole = parseNodeExporter(text);
    expect(whole.fsAvail.get('/srv/données')).toBe(50);
    expect([whole.load1, whole.cpuIdle, whole.cpuAll, whole.rx.get('eth0'), whole.time, whole.series]).toEqual([0.5, 10, 15, 1234, 1700000000.5, 7]);
    const length = Buffer.byteLength(text);
    for (let cut = 1; cut < length; cut++) expect(readInParts(text, [cut])).toEqual(whole);
    expect(readInParts(text, Array.from({ length: length - 1 }, (_, i) => i + 1))).toEqual(whole);
  });

  it('reads the real scrape cut into socket-sized parts', () => {
    const whole = parseNodeExporter(t1);
    for (const size of [1000, 4096, 16384]) {
      const cuts = Array.from({ length: Math.floor(Buffer.byteLength(t1) / size) }, (_, i) => (i + 1) * size);
      expect(readInParts(t1, cuts)).toEqual(whole);
    }
  });

  it('skips a line longer than 64 kB and reads on after it', () => {
    const long = `node_load5{junk="${'x'.repeat(100_000)}"} 9\n`;
    const scrape = readInParts(`node_load1 1\n${long}node_load15 3\n`, [5000, 40_000, 70_000, 100_010]);
    expect([scrape.load1, scrape.load5, scrape.load15]).toEqual([1, null, 3]);
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
    // The start of the answer is recognised even when it comes a few bytes at a time.
    expect(() => readInParts('<!DOCTYPE html>\n<html>node_load1 1\n</html>', [3, 9])).toThrow(/HTML/);
  });
  it('reads lines as Prometheus does: a timestamp after the value, tabs, escaped label values, the infinities', () => {
    const scrape = parseNodeExporter(
      'node_load1 0.5 1700000000000\nnode_load5\t1.25\nnode_load15   2.5  \n' +
        'node_filesystem_size_bytes{device="/dev/a",fstype="ext4",mountpoint="/srv/a \\"b\\" \\\\c"} 1e3\n' +
        'node_filesystem_avail_bytes{ mountpoint="/srv/a \\"b\\" \\\\c", fstype="ext4",device="/dev/a",} 250 1700000000000\n' +
        'node_cpu_seconds_total{note="mode=\\"idle\\"",cpu="0",mode="user"} 5\nnode_cpu_seconds_total{cpu="0",mode="idle"} 10\n' +
        'node_network_receive_bytes_total{otherdevice="x",device="eth0"} +Inf\n',
    );
    expect([scrape.load1, scrape.load5, scrape.load15, scrape.cpuIdle, scrape.cpuAll]).toEqual([0.5, 1.25, 2.5, 10, 15]);
    expect([...scrape.fsSize]).toEqual([['/srv/a "b" \\c', 1000]]);
    expect([...scrape.fsAvail]).toEqual([['/srv/a "b" \\c', 250]]);
    expect([...scrape.rx]).toEqual([['eth0', Infinity]]);
  });

  it('makes values that cannot be right UNKNOWN with the reason, never OK or a percentage', () => {
    const checks = (text: string) => Object.fromEntries(nodeSamples(null, parseNodeExporter(text)).checks.map((c) => [c.id, c]));
    const disk = (size: string, avail: string) =>
      `node_filesystem_size_bytes{fstype="ext4",mountpoint="/"} ${size}\nnode_filesystem_avail_bytes{fstype="ext4",mountpoint="/"} ${avail}\n`;
    expect(checks('node_memory_MemTotal_bytes 1000\nnode_memory_MemAvailable_bytes 2000\n')['node_exporter:memory']).toMatchObject({
      state: 'UNKNOWN',
      reason: 'memory: MemAvailable (2000 bytes) is more than MemTotal (1000 bytes), which cannot be right',
    });
    expect(checks('node_memory_MemTotal_bytes +Inf\nnode_memory_MemAvailable_bytes 2\n')['node_exporter:memory']).toMatchObject({ state: 'UNKNOWN', reason: 'memory: MemTotal is Infinity, which cannot be right' });
    expect(checks('node_memory_MemTotal_bytes 100\nnode_memory_MemAvailable_bytes NaN\n')['node_exporter:memory']).toMatchObject({ state: 'UNKNOWN', reason: 'memory: MemAvailable is NaN, which cannot be right' });
    expect(checks('node_memory_MemTotal_bytes 100\nnode_memory_MemAvailable_bytes -1\n')['node_exporter:memory']).toMatchObject({ state: 'UNKNOWN' });
    expect(checks(disk('-100', '10'))['node_exporter:disk:/']).toMatchObject({ state: 'UNKNOWN', reason: '/: size is -100 bytes, which cannot be right' });
    expect(checks(disk('100', '-10'))['node_exporter:disk:/']).toMatchObject({ state: 'UNKNOWN' });
    expect(checks(disk('100', '110'))['node_exporter:disk:/']).toMatchObject({ state: 'UNKNOWN' });
    expect(values(nodeSamples(null, parseNodeExporter('node_memory_MemTotal_bytes 1000\nnode_memory_MemAvailable_bytes 2000\n' + disk('100', '110'))))).toEqual({});
  });

  it('refuses an answer cut short inside a line, and a line Prometheus would refuse', () => {
    expect(() => parseNodeExporter('node_load1 1\nnode_memory_MemAvailable_bytes 12')).toThrow('the answer ends in the middle of a line: it was cut short');
    expect(() => readInParts(`node_load1 1\nnode_load5{junk="${'x'.repeat(100_000)}`, [5000, 70_000])).toThrow(/cut short/);
    expect(() => parseNodeExporter('node_load1 0x10\n')).toThrow('not valid Prometheus text: node_load1: its value "0x10" is not a number');
    expect(() => parseNodeExporter('node_load1 1 1.5\n')).toThrow(/node_load1: what follows its value is not a timestamp/);
  });
});
