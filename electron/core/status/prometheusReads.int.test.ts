import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, type RunningFleet } from '../../../e2e/fleet/fleet';
import { NODE_EXPORTER_PORT } from '../../../e2e/fleet/layout';
import { prometheusYaml, scrapeJob, startTestPrometheus, type TestPrometheus } from '../../../e2e/fleet/prometheus';
import { until } from '../../../e2e/until';
import type { Host } from '../../../shared/fleet/model';
import { PrometheusPoller, type PrometheusReport } from './prometheusPoller';

// Reads between scrapes, against Debian's real Prometheus scraping the test fleet's two real
// node_exporters every 8 s while the console reads every second (127.0.197.x, Prometheus on
// .250): a read asks only for the hosts scraped since the last (less 3 s), so a host is
// mapped by about four reads of the eight between its scrapes, not by all eight; and
// every host still gets each scrape's numbers, the slowly changing ones (memory size, filesystem
// sizes) kept from the last full read. Checks that Prometheus takes the queries of those reads.

const FIRST_INDEX = (197 - 10) * 254;
const PROMETHEUS_LISTEN = '127.0.197.250:9090';
const SCRAPE_S = 8;
const READ_MS = 1000;

describe('reading a Prometheus between its scrapes', () => {
  let dir: string;
  let fleet: RunningFleet;
  let prometheus: TestPrometheus;
  let poller: PrometheusPoller;
  const reports: Array<PrometheusReport & { at: number }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-prometheus-reads-'));
    fleet = await fleetUp({ hosts: 2, dir, firstIndex: FIRST_INDEX, haproxy: false });
    const targets = fleet.hosts.map((h) => `${h.address}:${NODE_EXPORTER_PORT}`);
    prometheus = await startTestPrometheus(dir, PROMETHEUS_LISTEN, prometheusYaml(SCRAPE_S, [scrapeJob('node', targets)]));
    const source = { prometheus: { url: `http://${PROMETHEUS_LISTEN}`, job: 'node', instance: `{address}:${NODE_EXPORTER_PORT}`, rate_window: '20s' } };
    const hosts: Host[] = fleet.hosts.map((h) => ({ name: h.name, address: h.address, port: 22, user: 'u', environment: 'e', roles: ['r'], labels: {}, jump: null, identity: null, knownHosts: null, intervalMs: READ_MS, status: [source] }));
    poller = new PrometheusPoller((report) => reports.push({ ...report, at: Date.now() }), 1 << 20);
    poller.sync(hosts);
  });

  afterAll(async () => {
    poller?.dispose();
    await prometheus?.stop();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps only the hosts scraped since the last read, and each host gets every scrape', async () => {
    // Past the first scrapes (rates need two) and then three more scrape intervals of reads.
    await until('both hosts read with their rates', () => reports.some((r) => [...r.results.values()].filter((x) => x.samples.some((s) => s.metric === 'cpu_pct')).length === 2), 40_000);
    const from = reports.length;
    await until('three scrape intervals of reads', () => reports.length >= from + (SCRAPE_S * 3 * 1000) / READ_MS, 40_000);
    const window = reports.slice(from);

    // Prometheus took every query of those reads.
    expect(window.filter((r) => r.problem !== null)).toEqual([]);
    expect(window.every((r) => r.answered.length === 2)).toBe(true);
    for (const host of fleet.hosts.map((h) => h.name)) {
      const times = window.filter((r) => r.results.has(host)).map((r) => r.at);
      // The reads between its scrapes leave it out: that is the saving (each read mapped it before).
      expect(times.length).toBeLessThan(window.length * 0.75);
      // A host is read again after each scrape, never left for longer than a scrape and a read.
      expect(times.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThan((SCRAPE_S + 2) * 1000);
      // A fresh read has all of the host's numbers: memory and disk come from sizes the last full read gave.
      for (const r of window.filter((x) => x.results.has(host))) {
        const result = r.results.get(host)!;
        const metrics = new Set(result.samples.map((s) => s.metric));
        expect([...metrics].filter((m) => ['mem_used_pct', 'load1', 'cpu_pct'].includes(m)).sort()).toEqual(['cpu_pct', 'load1', 'mem_used_pct']);
        expect([...metrics].some((m) => m.startsWith('disk_used_pct:'))).toBe(true);
        expect(result.checks.find((c) => c.id === 'prometheus:target')?.state).toBe('OK');
      }
    }
  }, 120_000);
});
