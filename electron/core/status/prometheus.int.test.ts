import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import { NODE_EXPORTER_PORT } from '../../../e2e/fleet/layout';
import { prometheusYaml, scrapeJob, startTestPrometheus, type TestPrometheus } from '../../../e2e/fleet/prometheus';
import { until } from '../../../e2e/until';
import type { StatusBatch } from '../../../shared/status/schema';
import { HistoryStore } from '../history/historyStore';
import { FleetService } from '../inventory/fleetService';
import { StatusService } from './statusService';

// The prometheus source against Debian's real Prometheus scraping the test fleet's real
// node_exporters every second: host-1 and host-2 are its targets, host-3 is not. Addresses
// 127.0.161.x (the fleet from .1, Prometheus on .250).

const FIRST_INDEX = (161 - 10) * 254;
const PROMETHEUS_LISTEN = '127.0.161.250:9090';

describe('Prometheus as the status source', () => {
  let dir: string;
  let fleet: RunningFleet;
  let prometheus: TestPrometheus;
  let fleetService: FleetService;
  let status: StatusService;
  let history: HistoryStore;
  const batches: StatusBatch[] = [];
  const check = (host: string, id = 'prometheus:target') => status.host(host)?.checks.find((c) => c.id === id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-prometheus-'));
    fleet = await fleetUp({ hosts: 3, dir, firstIndex: FIRST_INDEX, haproxy: false });
    const targets = fleet.hosts.slice(0, 2).map((h) => `${h.address}:${NODE_EXPORTER_PORT}`);
    prometheus = await startTestPrometheus(dir, PROMETHEUS_LISTEN, prometheusYaml(1, [scrapeJob('node', targets)]));
    // Every host reads the Prometheus instead of its own Monit and node_exporter.
    const source = `{ prometheus: { url: "http://${PROMETHEUS_LISTEN}", job: node, instance: "{address}:${NODE_EXPORTER_PORT}", rate_window: 10s } }`;
    const file = join(dir, 'prometheus.yaml');
    writeFileSync(file, readFileSync(fleet.fleetFile, 'utf8').replace(/\n {2}status:\n(?: {4}- .*\n)+/, `\n  interval: 1s\n  status: [ ${source} ]\n`));
    fleetService = new FleetService(file);
    mkdirSync(join(dir, 'data'));
    history = await HistoryStore.open(join(dir, 'data'), { maintainEveryMs: null });
    status = new StatusService({ fleet: fleetService, history, flushMs: 100 });
    status.onBatch((batch) => batches.push(batch));
  });

  afterAll(async () => {
    status?.dispose();
    history?.dispose();
    fleetService?.dispose();
    await prometheus?.stop();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives each scraped host its checks and graphs' samples from Prometheus", async () => {
    expect(fleetService.current.hosts.every((h) => h.status.length === 1 && 'prometheus' in h.status[0]!)).toBe(true);
    await until('host-1 scraped by Prometheus', () => check('host-1')?.state === 'OK');
    expect(check('host-1')?.reason).toBe(`scraped by Prometheus (instance="${fleet.hosts[0]!.address}:${NODE_EXPORTER_PORT}" in job "node")`);
    expect(check('host-1', 'prometheus:memory')?.reason).toMatch(/^memory \d+\.\d % used/);
    // Fresh: what Prometheus answers counts as the host's answer.
    expect(status.host('host-1')?.stale).toBe(false);
    // CPU and network are rates over the window: they come once Prometheus has two scrapes in it.
    const latest = await until('rates for host-2', () => {
      const values = status.host('host-2')?.latest;
      return values && values.cpu_pct !== undefined && Object.keys(values).some((k) => k.startsWith('net_rx_bps:')) && values;
    });
    expect(latest.load1).toBeGreaterThanOrEqual(0);
    expect(latest.mem_used_pct).toBeGreaterThan(0);
    // Nothing stored twice: the history has none of these samples after flushes (the host's
    // graphs read them from Prometheus, electron/core/history/prometheusHistory.int.test.ts).
    const flushed = batches.length;
    await until('two more flushes', () => batches.length >= flushed + 2);
    expect(history.metrics('host-2')).toEqual([]);
    expect(history.metrics('host-1')).toEqual([]);
  });

  it('says a host Prometheus does not scrape is UNKNOWN, and where it looked', async () => {
    const unknown = await until('host-3 UNKNOWN', () => check('host-3'));
    expect(unknown).toMatchObject({ state: 'UNKNOWN', reason: `Prometheus has no target for host-3 (looked for instance="${fleet.hosts[2]!.address}:${NODE_EXPORTER_PORT}" in job "node")` });
  });

  it("makes a host whose node_exporter stopped CRITICAL with Prometheus's own reason", async () => {
    await stopDaemon(dir, 'host-2', 'node_exporter');
    const down = await until('host-2 CRITICAL', () => (check('host-2')?.state === 'CRITICAL' ? check('host-2') : undefined));
    expect(down?.reason).toMatch(new RegExp(`^Prometheus cannot scrape ${fleet.hosts[1]!.address.replaceAll('.', '\\.')}:${NODE_EXPORTER_PORT}: .*connection refused`));
    expect(status.host('host-1')?.state).not.toBe('CRITICAL');
  });

  it('builds the fleet from its targets, and follows them', async () => {
    const file = join(dir, 'imported.yaml');
    writeFileSync(file, `imports:\n  - prometheus: http://${PROMETHEUS_LISTEN}\n    environment: lab\n`);
    const imported = new FleetService(file, { remoteIntervalMs: 300 });
    try {
      const names = () => imported.current.hosts.map((h) => `${h.name} ${h.environment}/${h.roles.join(',')}`).sort();
      const [one, two, three] = fleet.hosts.map((h) => h.address);
      await until('the targets as hosts', () => names().length === 2);
      expect(names()).toEqual([`${one} lab/node`, `${two} lab/node`]);
      prometheus.reload(prometheusYaml(1, [scrapeJob('node', [one, two, three].map((a) => `${a}:${NODE_EXPORTER_PORT}`))]));
      await until('the new target as a host', () => names().length === 3, 20_000);
      expect(imported.current.hosts.find((h) => h.address === three)).toMatchObject({ name: three, environment: 'lab', roles: ['node'] });
    } finally {
      imported.dispose();
    }
  });

  it('shows a Prometheus that stopped as one problem of the source, not a problem per host', async () => {
    const before = batches.length;
    await prometheus.stop();
    const problems = await until('the source problem', () => status.snapshot().problems?.length && status.snapshot().problems);
    expect(problems).toEqual([{ source: 'prometheus', url: `http://${PROMETHEUS_LISTEN}`, message: expect.stringMatching(/refused the connection/), since: expect.any(Number), hosts: 3 }]);
    // The renderer is told in a batch, once.
    await until('a batch with the problem', () => batches.slice(before).find((b) => b.problems?.length === 1));
    // The hosts keep what Prometheus said last (and go stale); none turns red with its reason.
    for (const host of ['host-1', 'host-2', 'host-3']) expect(status.host(host)?.checks.some((c) => /refused the connection/.test(c.reason))).toBe(false);
    expect(check('host-1')?.state).toBe('OK');
    await until('host-1 stale', () => status.host('host-1')?.stale);
  });
});
