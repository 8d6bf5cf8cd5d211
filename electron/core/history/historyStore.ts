import { join } from 'node:path';
import type { Disposable } from '../../../shared/disposable';
import { HISTORY_RANGE_S, type Series, type SeriesQuery, type StatusEvent } from '../../../shared/status/schema';
import { openDatabase, type Database, type SqlValue } from './db';
import { migrate } from './migrations';

// The metric and event history in <dataDir>/history.sqlite. Samples arrive in one transaction
// per flush of the status service; maintain() rolls raw samples up into 1-minute and 10-minute
// avg/min/max and drops what is past each tier's retention, so a host's history has a bound.

/** How long each tier is kept, and its resolution (seconds). */
export const TIERS = {
  raw: { table: 'samples_raw', keepS: 6 * 3600, stepS: 0 },
  '1m': { table: 'samples_1m', keepS: 48 * 3600, stepS: 60 },
  '10m': { table: 'samples_10m', keepS: 35 * 86400, stepS: 600 },
} as const;
/** More series than this per host are not stored (a host with hundreds of disks stays bounded). */
export const MAX_SERIES_PER_HOST = 64;
const EVENTS_KEEP_MS = 90 * 86400_000;

export interface SampleRow {
  host: string;
  at: number;
  metric: string;
  value: number;
}

export class HistoryStore implements Disposable {
  private readonly seriesIds = new Map<string, number>();
  private readonly seriesPerHost = new Map<string, number>();
  private readonly insertRaw;
  private readonly insertSeries;
  private readonly insertEvent;
  private readonly timer: NodeJS.Timeout | null;
  private lastRetention = 0;
  private closed = false;

  static async open(dataDir: string, options: { now?: () => number; maintainEveryMs?: number | null } = {}): Promise<HistoryStore> {
    const db = await openDatabase(join(dataDir, 'history.sqlite'));
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new HistoryStore(db, options.now ?? Date.now, options.maintainEveryMs === undefined ? 60_000 : options.maintainEveryMs);
  }

  private constructor(
    readonly db: Database,
    private readonly now: () => number,
    maintainEveryMs: number | null,
  ) {
    for (const row of db.prepare('SELECT id, host, metric FROM series').all()) {
      this.seriesIds.set(key(String(row.host), String(row.metric)), Number(row.id));
      this.seriesPerHost.set(String(row.host), (this.seriesPerHost.get(String(row.host)) ?? 0) + 1);
    }
    this.insertRaw = db.prepare('INSERT OR REPLACE INTO samples_raw (series, t, v) VALUES (?, ?, ?)');
    this.insertSeries = db.prepare('INSERT INTO series (host, metric) VALUES (?, ?)');
    this.insertEvent = db.prepare('INSERT INTO events (at, host, check_id, check_name, from_state, to_state, hard, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.timer = maintainEveryMs === null ? null : setInterval(() => this.safeMaintain(), maintainEveryMs);
    this.timer?.unref();
  }

  /** One transaction for everything polled since the last call. */
  writeSamples(rows: readonly SampleRow[]): void {
    this.db.transaction(() => {
      for (const row of rows) {
        const id = this.seriesId(row.host, row.metric);
        if (id !== null && Number.isFinite(row.value)) this.insertRaw.run(id, Math.floor(row.at / 1000), row.value);
      }
    });
  }

  private seriesId(host: string, metric: string): number | null {
    const k = key(host, metric);
    const known = this.seriesIds.get(k);
    if (known !== undefined) return known;
    const count = this.seriesPerHost.get(host) ?? 0;
    if (count >= MAX_SERIES_PER_HOST) return null;
    const id = Number(this.insertSeries.run(host, metric).lastInsertRowid);
    this.seriesIds.set(k, id);
    this.seriesPerHost.set(host, count + 1);
    return id;
  }

  writeEvents(events: readonly Omit<StatusEvent, 'id'>[]): StatusEvent[] {
    return this.db.transaction(() =>
      events.map((e) => ({
        ...e,
        id: Number(this.insertEvent.run(e.at, e.host, e.check, e.checkName, e.from, e.to, e.hard ? 1 : 0, e.reason).lastInsertRowid),
      })),
    );
  }

  events(q: { host?: string; limit: number }): StatusEvent[] {
    const rows = q.host
      ? this.db.prepare('SELECT * FROM events WHERE host = ? ORDER BY id DESC LIMIT ?').all(q.host, q.limit)
      : this.db.prepare('SELECT * FROM events ORDER BY id DESC LIMIT ?').all(q.limit);
    return rows.map(toEvent);
  }

  /** The checks whose latest event left them in a problem: where the console left off before a restart. */
  openProblems(): StatusEvent[] {
    // SQLite takes the other columns of a MAX() aggregate from the row that has the maximum.
    const latest = this.db.prepare('SELECT *, MAX(id) FROM events GROUP BY host, check_id').all();
    return latest.map(toEvent).filter((e) => e.to !== 'OK');
  }

  metrics(host: string): string[] {
    return this.db.prepare('SELECT metric FROM series WHERE host = ? ORDER BY metric').all(host).map((r) => String(r.metric));
  }

  /**
   * A host's metrics over a range in at most `points` buckets of [t ms, avg, min, max]. The tier
   * is the finest that covers the range, and buckets are averaged in SQL, so 30 days costs about
   * what one hour does. Samples newer than a tier's last rollup come from the raw tier.
   */
  series(q: SeriesQuery): Series[] {
    const nowS = Math.floor(this.now() / 1000);
    const rangeS = HISTORY_RANGE_S[q.range];
    const tier = rangeS <= TIERS.raw.keepS ? 'raw' : rangeS <= TIERS['1m'].keepS ? '1m' : '10m';
    const bucketS = Math.max(TIERS[tier].stepS || 1, Math.ceil(rangeS / q.points));
    const startS = nowS - rangeS;
    const doneUntil = tier === 'raw' ? 0 : this.doneUntil(tier);
    // Numbers are bound as REAL; the CASTs keep the bucket arithmetic in integers.
    const bucket = 'CAST((t - $start) / $bucket AS INTEGER)';
    const sql =
      tier === 'raw'
        ? `SELECT ${bucket} AS b, avg(v) AS avg, min(v) AS min, max(v) AS max FROM samples_raw WHERE series = $series AND t >= $start GROUP BY b ORDER BY b`
        : `SELECT b, sum(s) / sum(n) AS avg, min(mn) AS min, max(mx) AS max FROM (
             SELECT ${bucket} AS b, avg * n AS s, n, min AS mn, max AS mx FROM ${TIERS[tier].table} WHERE series = $series AND t >= $start AND t < $done
             UNION ALL
             SELECT ${bucket} AS b, v AS s, 1 AS n, v AS mn, v AS mx FROM samples_raw WHERE series = $series AND t >= max($start, $done)
           ) GROUP BY b ORDER BY b`;
    const statement = this.db.prepare(sql);
    return q.metrics.map((metric) => {
      const id = this.seriesIds.get(key(q.host, metric));
      if (id === undefined) return { metric, points: [] };
      const params: Record<string, SqlValue> = tier === 'raw' ? { start: startS, bucket: bucketS, series: id } : { start: startS, bucket: bucketS, series: id, done: doneUntil };
      const points = statement
        .all(params)
        .map((r): [number, number, number, number] => [(startS + Number(r.b) * bucketS) * 1000, Number(r.avg), Number(r.min), Number(r.max)]);
      return { metric, points };
    });
  }

  private doneUntil(tier: '1m' | '10m'): number {
    return Number(this.db.prepare('SELECT done_until FROM rollup_state WHERE tier = ?').get(tier)?.done_until ?? 0);
  }

  /** Rolls up the complete minutes and ten-minute spans, then applies retention. */
  maintain(): void {
    const nowS = Math.floor(this.now() / 1000);
    this.db.transaction(() => {
      this.rollup('1m', 'samples_raw', nowS - TIERS.raw.keepS, Math.floor(nowS / 60) * 60, 'avg(r.v), min(r.v), max(r.v), count(*)');
      const upTo = Math.floor(this.doneUntil('1m') / 600) * 600;
      this.rollup('10m', 'samples_1m', nowS - TIERS['1m'].keepS, upTo, 'sum(r.avg * r.n) / sum(r.n), min(r.min), max(r.max), sum(r.n)');
    });
    // Retention is a delete per series: not needed every minute.
    if (this.now() - this.lastRetention >= 10 * 60_000) {
      this.lastRetention = this.now();
      this.applyRetention(nowS);
    }
  }

  private rollup(tier: '1m' | '10m', from: string, oldest: number, until: number, aggregates: string): void {
    const step = TIERS[tier].stepS;
    const start = Math.max(this.doneUntil(tier), Math.floor(oldest / step) * step);
    if (until <= start) return;
    // Driven by the series table so each series is an index range, not a scan of the whole table.
    this.db
      .prepare(`INSERT OR REPLACE INTO ${TIERS[tier].table} (series, t, avg, min, max, n)
                SELECT r.series, (r.t / ${step}) * ${step}, ${aggregates}
                FROM series s JOIN ${from} r ON r.series = s.id AND r.t >= ? AND r.t < ?
                GROUP BY r.series, r.t / ${step}`)
      .run(start, until);
    this.db.prepare('INSERT OR REPLACE INTO rollup_state (tier, done_until) VALUES (?, ?)').run(tier, until);
  }

  private applyRetention(nowS: number): void {
    const ids = [...this.seriesIds.values()];
    this.db.transaction(() => {
      for (const tier of Object.values(TIERS)) {
        const del = this.db.prepare(`DELETE FROM ${tier.table} WHERE series = ? AND t < ?`);
        for (const id of ids) del.run(id, nowS - tier.keepS);
      }
      this.db.prepare('DELETE FROM events WHERE at < ?').run(this.now() - EVENTS_KEEP_MS);
    });
  }

  private safeMaintain(): void {
    try {
      this.maintain();
    } catch (error) {
      console.error(`Fleetdeck: history upkeep failed: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.db.close();
  }
}

function key(host: string, metric: string): string {
  return `${host}\u0000${metric}`;
}

function toEvent(r: Record<string, unknown>): StatusEvent {
  return {
    id: Number(r.id),
    at: Number(r.at),
    host: String(r.host),
    check: String(r.check_id),
    checkName: String(r.check_name),
    from: r.from_state as StatusEvent['from'],
    to: r.to_state as StatusEvent['to'],
    hard: Number(r.hard) === 1,
    reason: String(r.reason),
  };
}
