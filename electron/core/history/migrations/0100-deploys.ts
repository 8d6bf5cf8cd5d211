import type { Migration } from '../migrations';

// The console's own record of deploys and rollbacks: who, from which machine, when, how long,
// how it ended, and each host's step log. A deploy without an end was interrupted (the console
// was killed); the next start marks it so.
export const m0100Deploys: Migration = {
  id: 100,
  name: 'deploys',
  up(db) {
    db.exec(`
      CREATE TABLE deploys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        app TEXT NOT NULL, release TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT,
        user TEXT NOT NULL, machine TEXT NOT NULL,
        started_at INTEGER NOT NULL, finished_at INTEGER,
        outcome TEXT, message TEXT,
        hosts TEXT NOT NULL, steps TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX deploys_by_app ON deploys (app, started_at);
    `);
  },
};
