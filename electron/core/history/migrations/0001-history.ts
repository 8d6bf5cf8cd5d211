import type { Migration } from '../migrations';

// Metric history in three tiers, RRDTool-style, and the state-change events. Host and metric
// names are stored once (series); the sample tables are WITHOUT ROWID, keyed (series, t), so a
// row is a few bytes of key and one value. Times: seconds for raw samples, the bucket's start in
// seconds for rollups.
export const m0001History: Migration = {
  id: 1,
  name: 'history',
  up(db) {
    db.exec(`
      CREATE TABLE series (id INTEGER PRIMARY KEY, host TEXT NOT NULL, metric TEXT NOT NULL, UNIQUE (host, metric));
      CREATE TABLE samples_raw (series INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
      CREATE TABLE samples_1m (series INTEGER NOT NULL, t INTEGER NOT NULL, avg REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
      CREATE TABLE samples_10m (series INTEGER NOT NULL, t INTEGER NOT NULL, avg REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
      CREATE TABLE rollup_state (tier TEXT PRIMARY KEY, done_until INTEGER NOT NULL);
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL, host TEXT NOT NULL, check_id TEXT NOT NULL, check_name TEXT NOT NULL,
        from_state TEXT NOT NULL, to_state TEXT NOT NULL, hard INTEGER NOT NULL, reason TEXT NOT NULL
      );
      CREATE INDEX events_by_host ON events (host, at);
      CREATE INDEX events_by_time ON events (at);
    `);
  },
};
