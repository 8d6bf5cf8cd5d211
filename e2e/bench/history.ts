// `npm run bench -- history`: the size a host's history reaches once every tier is full, and the
// cost of the writes and graph queries. Fills a fresh history.sqlite for N hosts × M metrics:
// 6 h of raw samples at the poll interval through HistoryStore.writeSamples (one transaction per
// poll cycle, as the status service writes), then the 1-minute and 10-minute tiers at their full
// retention, and reads a 1h and a 30d series.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, TIERS } from '../../electron/core/history/historyStore';

export const HISTORY_USAGE = `bench history [--hosts N] [--metrics M] [--interval S]
  --hosts N       hosts (default 20)
  --metrics M     metrics per host (default 30)
  --interval S    poll interval in seconds (default 10)`;

export async function runHistory(o: { hosts: number; metrics: number; intervalS: number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-history-'));
  const now = Date.now();
  let clock = now - TIERS.raw.keepS * 1000;
  const store = await HistoryStore.open(dir, { now: () => clock, maintainEveryMs: null });
  try {
    const cycles = Math.floor(TIERS.raw.keepS / o.intervalS);
    const writeMs: number[] = [];
    for (let c = 0; c < cycles; c++) {
      clock += o.intervalS * 1000;
      const rows = [];
      for (let h = 0; h < o.hosts; h++) for (let m = 0; m < o.metrics; m++) rows.push({ host: `host-${h}`, at: clock, metric: `metric_${m}`, value: Math.random() * 100 });
      const t = performance.now();
      store.writeSamples(rows);
      writeMs.push(performance.now() - t);
    }
    // The rollup tiers at their full retention, written directly (as maintain() would over days).
    const series = store.db.prepare('SELECT id FROM series').all().map((r) => Number(r.id));
    for (const tier of ['1m', '10m'] as const) {
      const { table, keepS, stepS } = TIERS[tier];
      const insert = store.db.prepare(`INSERT OR REPLACE INTO ${table} (series, t, avg, min, max, n) VALUES (?, ?, ?, ?, ?, ?)`);
      const start = Math.floor(now / 1000) - keepS;
      store.db.transaction(() => {
        for (const id of series) {
          for (let t = start; t < start + keepS; t += stepS) {
            insert.run(id, t, Math.random() * 100, Math.random() * 10, 90 + Math.random() * 10, stepS / o.intervalS);
          }
        }
      });
    }
    clock = now;
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE); VACUUM;');
    const time = (fn: () => void): number => {
      const t = performance.now();
      for (let i = 0; i < 10; i++) fn();
      return (performance.now() - t) / 10;
    };
    const q1h = time(() => store.series({ host: 'host-0', metrics: ['metric_0', 'metric_1', 'metric_2'], range: '1h', points: 800 }));
    const q30d = time(() => store.series({ host: 'host-0', metrics: ['metric_0', 'metric_1', 'metric_2'], range: '30d', points: 800 }));
    const bytes = statSync(join(dir, 'history.sqlite')).size;
    writeMs.sort((a, b) => a - b);
    const r = (n: number): number => Math.round(n * 100) / 100;
    const result = {
      bench: 'history',
      hosts: o.hosts,
      metrics_per_host: o.metrics,
      interval_s: o.intervalS,
      db_mb: r(bytes / 1e6),
      mb_per_host: r(bytes / 1e6 / o.hosts),
      bytes_per_host_metric: Math.round(bytes / o.hosts / o.metrics),
      write_ms_per_cycle_p50: r(writeMs[Math.floor(writeMs.length / 2)] ?? 0),
      write_ms_per_cycle_p99: r(writeMs[Math.floor(writeMs.length * 0.99)] ?? 0),
      series_1h_ms: r(q1h),
      series_30d_ms: r(q30d),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? '?', node: process.version, sqlite: store.db.engine },
    };
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
