import type { Database } from './db';
import { m0001History } from './migrations/0001-history';
import { m0100Deploys } from './migrations/0100-deploys';
import { m0101DeployPrevious } from './migrations/0101-deploy-previous';
import { m0102DeployStages } from './migrations/0102-deploy-stages';

// Numbered schema changes, applied in order, each in its own transaction and recorded in
// schema_migrations. A new change is a new file in migrations/ added to the list below (deploy
// records take ids from 100), never an edit of one that has shipped.

export interface Migration {
  id: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [m0001History, m0100Deploys, m0101DeployPrevious, m0102DeployStages];

/** Brings the database up to date; refuses one written by a newer Fleetdeck. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const done = new Set(db.prepare('SELECT id FROM schema_migrations').all().map((row) => Number(row.id)));
  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...done].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(`${db.path} was written by a newer Fleetdeck (schema changes ${unknown.join(', ')} are unknown to this version). Update Fleetdeck, or move the file away to start a new history.`);
  }
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(migration.id)) continue;
    db.transaction(() => {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(migration.id, migration.name, Date.now());
    });
    applied.push(migration.id);
  }
  return applied;
}
