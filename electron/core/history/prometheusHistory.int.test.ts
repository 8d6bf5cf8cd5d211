import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillTsdb, nodeBackfill, prometheusYaml, startTestPrometheus, type TestPrometheus } from '../../../e2e/fleet/prometheus';
import { FleetService } from '../inventory/fleetService';
import { CoreFailure } from '../transport/coreApi';
import { historyApi } from './historyApi';
import { HistoryStore } from './historyStore';
import { HostHistory } from './hostHistory';

// A host's graphs from Debian's real Prometheus, over 7 days of samples backfilled into its TSDB
// with promtool before it starts (e2e/fleet/prometheus.ts nodeBackfill: load1 is the hour of the
// day, CPU 25 %, memory 60 %, disk 70 %, 1000 B/s received). Prometheus on 127.0.162.250, nothing on .251.

const LISTEN = '127.0.162.250:9090';
const NOTHING_LISTENS = '127.0.162.251:9090';
const INSTANCE = '10.9.9.1:9100';
const DAYS = 7;

describe("a host's graphs from Prometheus", () => {
  let dir: string;
  let prometheus: TestPrometheus;
  let fleet: FleetService;
  let history: HostHistory;
  let store: HistoryStore;
  const endS = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-prometheus-history-'));
    backfillTsdb(dir, nodeBackfill([INSTANCE], endS, DAYS));
    prometheus = await startTestPrometheus(dir, LISTEN, prometheusYaml(60, []), { retention: '60d' });
    const file = join(dir, 'fleet.yaml');
    const source = (url: string) => `[ { prometheus: { url: "http://${url}", job: node, instance: "{address}:9100", rate_window: 5m } } ]`;
    writeFileSync(
      file,
      [
        `defaults: { status: ${source(LISTEN)} }`,
        'environments:',
        '  lab:',
        '    roles:',
        '      app: [ { name: backfilled, address: 10.9.9.1 } ]',
        `      broken: { hosts: [ { name: unanswered, address: 10.9.9.2 } ], status: ${source(NOTHING_LISTENS)} }`,
        '',
      ].join('\n'),
    );
    fleet = new FleetService(file);
    // The console's own history holds only what the host's other sources gave: a check's latency.
    mkdirSync(join(dir, 'data'));
    store = await HistoryStore.open(join(dir, 'data'), { maintainEveryMs: null });
    store.writeSamples([{ host: 'backfilled', at: Date.now(), metric: 'latency_ms:health', value: 12 }]);
    history = new HostHistory({ hosts: () => fleet.current.hosts, store, whyMissing: null });
  });

  afterAll(async () => {
    fleet?.dispose();
    store?.dispose();
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the host's metrics from its series in Prometheus and the console's history", async () => {
    expect(await history.metrics('backfilled')).toEqual(['cpu_pct', 'disk_used_pct:/', 'latency_ms:health', 'load1', 'mem_used_pct', 'net_rx_bps:eth0', 'uptime_s']);
  });

  it('draws 7 days as the series the SQLite history gives, at a step from the graph width', async () => {
    const metrics = ['load1', 'cpu_pct', 'mem_used_pct', 'disk_used_pct:/', 'net_rx_bps:eth0', 'latency_ms:health'];
    const series = await history.series({ host: 'backfilled', metrics, range: '7d', points: 672 });
    expect(series.map((s) => s.metric)).toEqual(metrics);
    const [load, cpu, mem, disk, rx, latency] = series;
    // 7 days over 672 points: a point every 900 s, from the first backfilled day to the last sample.
    const times = load!.points.map((p) => p[0]);
    expect(times.length).toBeGreaterThan(660);
    expect(times.length).toBeLessThanOrEqual(672);
    expect(new Set(times.slice(1).map((t, i) => t - times[i]!))).toEqual(new Set([900_000]));
    expect(times[times.length - 1]! / 1000).toBeGreaterThanOrEqual(endS - 900);
    // Each point is [start of its step, avg, min, max]: within an hour, load1 is the hour of the day.
    const inside = load!.points.filter(([t]) => (t / 1000) % 3600 !== 2700);
    for (const [t, avg, min, max] of inside) expect([avg, min, max]).toEqual(Array(3).fill(Math.floor(t / 1000 / 3600) % 24));
    // The step that ends on the next hour has both hours' values: its min and max say so.
    const straddling = load!.points.find(([t]) => (t / 1000) % 3600 === 2700 && Math.floor(t / 1000 / 3600) % 24 === 5)!;
    expect(straddling.slice(2)).toEqual([5, 6]);
    // Away from the edges of the data, where rate() over the window sees part of it.
    const steady = (points: [number, number, number, number][]) => points.slice(10, -2).map((p) => p.slice(1).map((v) => Math.round(v * 1000) / 1000));
    expect(new Set(steady(cpu!.points).map(String))).toEqual(new Set(['25,25,25']));
    expect(new Set(steady(mem!.points).map(String))).toEqual(new Set(['60,60,60']));
    expect(new Set(steady(disk!.points).map(String))).toEqual(new Set(['70,70,70']));
    expect(new Set(steady(rx!.points).map(String))).toEqual(new Set(['1000,1000,1000']));
    // A metric Prometheus does not hold (a health URL's latency) comes from the console's history.
    expect(latency!.points.map((p) => p.slice(1))).toEqual([[12, 12, 12]]);
  });

  it('gives 30 days the same number of points as one hour: the step grows with the span', async () => {
    const [month] = await history.series({ host: 'backfilled', metrics: ['load1'], range: '30d', points: 600 });
    const times = month!.points.map((p) => p[0]);
    expect(new Set(times.slice(1).map((t, i) => t - times[i]!))).toEqual(new Set([4320_000]));
    // Only the 7 backfilled days have data: 7 * 86400 / 4320 = 140 steps, give or take the steps
    // cut by the data's ends (the grid is aligned to the step, not to the data) and the one that
    // Prometheus's 5-minute lookback reaches past the last sample.
    expect(times.length).toBeGreaterThanOrEqual(139);
    expect(times.length).toBeLessThanOrEqual(142);
  });

  it('says on the graph that a Prometheus does not answer, and the core goes on', async () => {
    const api = historyApi(history);
    const failure = await api.requests['history.series']({ host: 'unanswered', metrics: ['load1'], range: '1h', points: 100 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CoreFailure);
    expect((failure as CoreFailure).message).toMatch(new RegExp(`^Prometheus at http://${NOTHING_LISTENS.replaceAll('.', '\\.')}: .*refused`));
    expect(await api.requests['history.metrics']({ host: 'unanswered' })).toEqual([]);
  });
});
