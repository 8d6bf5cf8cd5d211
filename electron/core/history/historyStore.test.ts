import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { HistoryStore, MAX_SERIES_PER_HOST } from './historyStore';
import { migrate } from './migrations';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);

describe('HistoryStore', () => {
  let dir: string;
  let now = T0;
  let store: HistoryStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-history-'));
    now = T0;
    store = await HistoryStore.open(dir, { now: () => now, maintainEveryMs: null });
  });
  afterEach(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Ten-second samples of a value that counts up from 0 over `minutes`. */
  function fill(minutes: number, host = 'a', metric = 'cpu_pct'): void {
    for (let i = 0; i < minutes * 6; i++) {
      now = T0 + i * 10_000;
      store.writeSamples([{ host, at: now, metric, value: i }]);
      if (i % 6 === 5) store.maintain();
    }
    now += 10_000;
  }

  it('keeps raw samples and returns them in at most `points` buckets', () => {
    fill(60);
    const [series] = store.series({ host: 'a', metrics: ['cpu_pct'], range: '1h', points: 60 });
    expect(series?.points.length).toBeLessThanOrEqual(60);
    expect(series?.points.length).toBeGreaterThanOrEqual(59);
    // Bucket = one minute: avg of 6 consecutive values, min the first, max the last.
    const [t, avg, min, max] = series!.points[1]!;
    expect(max - min).toBe(5);
    expect(avg).toBeCloseTo((min + max) / 2);
    expect(t).toBeLessThan(series!.points[2]![0]);
  });

  it('rolls up minutes with avg, min and max, and reads long ranges from the rollups', () => {
    fill(30);
    store.maintain();
    const rows = store.db.prepare('SELECT t, avg, min, max, n FROM samples_1m ORDER BY t').all();
    expect(rows.length).toBeGreaterThanOrEqual(29);
    expect(rows[0]).toMatchObject({ avg: 2.5, min: 0, max: 5, n: 6 });
    const [series] = store.series({ host: 'a', metrics: ['cpu_pct'], range: '24h', points: 1440 });
    expect(series!.points.length).toBe(30);
    expect(series!.points[0]!.slice(1)).toEqual([2.5, 0, 5]);
    // The newest minute, not rolled up yet, comes from the raw samples.
    expect(series!.points.at(-1)![3]).toBe(179);
  });

  it('rolls minutes up into ten minutes, weighted by sample count', () => {
    fill(40);
    store.maintain();
    const first = store.db.prepare('SELECT avg, min, max, n FROM samples_10m ORDER BY t LIMIT 1').get();
    expect(first).toMatchObject({ avg: 29.5, min: 0, max: 59, n: 60 });
    // 30 days in 800 points: 54-minute buckets, from the 10-minute rollups and the raw tail.
    const [series] = store.series({ host: 'a', metrics: ['cpu_pct'], range: '30d', points: 800 });
    expect(series!.points.length).toBeLessThanOrEqual(2);
    expect(Math.min(...series!.points.map((p) => p[2]))).toBe(0);
    expect(Math.max(...series!.points.map((p) => p[3]))).toBe(239);
  });

  it('drops what is past each tier', () => {
    fill(10);
    store.maintain();
    now = T0 + 7 * 3600_000;
    store.maintain();
    expect(store.db.prepare('SELECT count(*) AS n FROM samples_raw').get()?.n).toBe(0);
    expect(Number(store.db.prepare('SELECT count(*) AS n FROM samples_1m').get()?.n)).toBeGreaterThan(0);
    now = T0 + 3 * 86400_000;
    store.maintain();
    expect(store.db.prepare('SELECT count(*) AS n FROM samples_1m').get()?.n).toBe(0);
    expect(Number(store.db.prepare('SELECT count(*) AS n FROM samples_10m').get()?.n)).toBeGreaterThan(0);
  });

  it('bounds the series per host', () => {
    const rows = Array.from({ length: MAX_SERIES_PER_HOST + 10 }, (_, i) => ({ host: 'a', at: now, metric: `disk_used_pct:/m${i}`, value: 1 }));
    store.writeSamples(rows);
    expect(store.metrics('a')).toHaveLength(MAX_SERIES_PER_HOST);
    store.writeSamples([{ host: 'b', at: now, metric: 'x', value: 1 }]);
    expect(store.metrics('b')).toEqual(['x']);
  });

  it('keeps events, newest first, per host or all', () => {
    const base = { checkName: 'Monit', reason: 'down', hard: false } as const;
    const written = store.writeEvents([
      { ...base, at: 1, host: 'a', check: 'monit:endpoint', from: 'OK', to: 'CRITICAL' },
      { ...base, at: 2, host: 'b', check: 'monit:endpoint', from: 'OK', to: 'WARNING' },
      { ...base, at: 3, host: 'a', check: 'monit:endpoint', from: 'CRITICAL', to: 'CRITICAL', hard: true },
    ]);
    expect(written.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(store.events({ limit: 10 }).map((e) => e.id)).toEqual([3, 2, 1]);
    expect(store.events({ host: 'a', limit: 1 })).toEqual([{ ...base, id: 3, at: 3, host: 'a', check: 'monit:endpoint', from: 'CRITICAL', to: 'CRITICAL', hard: true }]);
  });

  it('gives the checks whose latest event left them in a problem, with that event', () => {
    const base = { checkName: 'Monit', reason: 'down', hard: false } as const;
    store.writeEvents([
      { ...base, at: 1, host: 'a', check: 'monit:endpoint', from: 'OK', to: 'CRITICAL' },
      { ...base, at: 2, host: 'a', check: 'monit:endpoint', from: 'CRITICAL', to: 'CRITICAL', hard: true },
      { ...base, at: 3, host: 'a', check: 'disk:/', from: 'OK', to: 'WARNING' },
      { ...base, at: 4, host: 'a', check: 'disk:/', from: 'WARNING', to: 'OK', hard: true },
      { ...base, at: 5, host: 'b', check: 'monit:endpoint', from: 'OK', to: 'UNKNOWN' },
    ]);
    const open = store.openProblems().sort((x, y) => x.at - y.at);
    expect(open).toEqual([
      { ...base, id: 2, at: 2, host: 'a', check: 'monit:endpoint', from: 'CRITICAL', to: 'CRITICAL', hard: true },
      { ...base, id: 5, at: 5, host: 'b', check: 'monit:endpoint', from: 'OK', to: 'UNKNOWN' },
    ]);
  });

  it('keeps everything across a reopen', async () => {
    fill(5);
    store.dispose();
    store = await HistoryStore.open(dir, { now: () => now, maintainEveryMs: null });
    expect(store.metrics('a')).toEqual(['cpu_pct']);
    expect(store.series({ host: 'a', metrics: ['cpu_pct'], range: '1h', points: 400 })[0]!.points).toHaveLength(30);
    expect(statSync(join(dir, 'history.sqlite')).size).toBeGreaterThan(0);
  });
});

describe('the database files', () => {
  // Under the common umask 022 a new file is 0644: readable by every user of the machine.
  it('are readable by their owner only, the -wal and -shm files too, and an old 0644 file is fixed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-modes-'));
    const old = process.umask(0o022);
    try {
      const file = join(dir, 'history.sqlite');
      writeFileSync(file, '');
      chmodSync(file, 0o644);
      const store = await HistoryStore.open(dir, { maintainEveryMs: null });
      store.writeSamples([{ host: 'web-1', at: 1000, metric: 'cpu_pct', value: 1 }]);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      }
      store.dispose();
    } finally {
      process.umask(old);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrations', () => {
  it('apply once, in order, and refuse a database from a newer Fleetdeck', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-migrate-'));
    const db = await openDatabase(join(dir, 'x.sqlite'));
    const order: number[] = [];
    const list = [2, 1].map((id) => ({ id, name: `m${id}`, up: () => void order.push(id) }));
    expect(migrate(db, list)).toEqual([1, 2]);
    expect(migrate(db, list)).toEqual([]);
    expect(order).toEqual([1, 2]);
    expect(() => migrate(db, list.slice(1))).toThrow(/newer Fleetdeck \(schema changes 2/);
    // A failing change leaves nothing half done.
    expect(() => migrate(db, [...list, { id: 3, name: 'bad', up: (d) => { d.exec('CREATE TABLE t3 (x)'); throw new Error('boom'); } }])).toThrow('boom');
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't3'").get()?.n).toBe(0);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
