// The one SQLite the console keeps (history, and later deploy records), behind a small interface
// with two engines: Node's built-in node:sqlite where the runtime has it (Electron's Node 22, so no
// native module has to match Electron's ABI) and better-sqlite3 on Node 20, where it does not.
// Both are synchronous and fast; the interface is the common part of their APIs.

import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

export type SqlValue = number | string | bigint | null | Uint8Array;

/** Positional values for `?`, or one object for named `$name` parameters (keys without the `$`). */
export type SqlParams = SqlValue[] | [Record<string, SqlValue>];

export interface Statement {
  run(...params: SqlParams): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlParams): Record<string, SqlValue> | undefined;
  all(...params: SqlParams): Record<string, SqlValue>[];
}

export interface Database {
  readonly engine: 'node:sqlite' | 'better-sqlite3';
  readonly path: string;
  exec(sql: string): void;
  prepare(sql: string): Statement;
  /** Runs fn in one transaction: all of it is written, or none. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

interface NodeSqlite {
  DatabaseSync: new (path: string) => { exec(sql: string): void; prepare(sql: string): Statement; close(): void };
}

function nodeSqlite(): NodeSqlite | null {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return (getBuiltin?.('node:sqlite') as NodeSqlite | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Opens (creating) the database file with WAL, as every Fleetdeck database is opened. */
export async function openDatabase(path: string, options: { engine?: Database['engine'] } = {}): Promise<Database> {
  ownerOnly(path);
  const builtin = options.engine === 'better-sqlite3' ? null : nodeSqlite();
  // better-sqlite3 is loaded only when used: inside Electron its native module would not load.
  const db = builtin ? fromNodeSqlite(builtin, path) : fromBetterSqlite((await import('better-sqlite3')).default as unknown as BetterConstructor, path);
  // WAL: readers never block the writer; NORMAL: a committed transaction survives a crash of the
  // console (not necessarily a power cut), which is what "at most one poll cycle lost" needs.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  return db;
}

/**
 * Makes the database file readable by its owner alone before SQLite opens it, as every file of the
 * data folder is (history says which hosts exist and what ran on them). SQLite gives the -wal and
 * -shm files it creates the mode of the database file; ones left from an earlier run are fixed too.
 */
function ownerOnly(path: string): void {
  if (path === ':memory:' || path === '') return;
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

function fromNodeSqlite(sqlite: NodeSqlite, path: string): Database {
  const raw = new sqlite.DatabaseSync(path);
  return {
    engine: 'node:sqlite',
    path,
    exec: (sql) => raw.exec(sql),
    prepare: (sql) => raw.prepare(sql),
    transaction<T>(fn: () => T): T {
      raw.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        raw.exec('COMMIT');
        return result;
      } catch (error) {
        raw.exec('ROLLBACK');
        throw error;
      }
    },
    close: () => raw.close(),
  };
}

type BetterConstructor = new (path: string) => {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  transaction<T>(fn: () => T): () => T;
  close(): void;
};

function fromBetterSqlite(BetterSqlite: BetterConstructor, path: string): Database {
  const raw = new BetterSqlite(path);
  return {
    engine: 'better-sqlite3',
    path,
    exec: (sql) => raw.exec(sql),
    prepare: (sql) => raw.prepare(sql),
    transaction: <T>(fn: () => T): T => raw.transaction(fn)(),
    close: () => raw.close(),
  };
}
