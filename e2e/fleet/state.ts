// What `up` started, so `down` can stop exactly that, by pid. Two files:
// - fleet-state.json: a snapshot, rewritten atomically (temp file + rename) when `up` finishes;
// - fleet-state.journal: one JSON line appended synchronously right after each spawn, so a crash
//   or Ctrl-C in the middle of `up` still leaves every started pid on disk. Readers merge both;
//   writing a snapshot folds the journal in and removes it. This keeps recording O(1) per process
//   even for a thousand hosts, where rewriting the whole snapshot per spawn would not be.
import { appendFileSync, existsSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { fleetPaths } from './layout';
import { isRunning, readProcStat, type ProcId } from './procs';

export type ProcKind = 'sshd' | 'monit' | 'node_exporter' | 'haproxy';

export interface ProcRecord extends ProcId {
  host: string;
  kind: ProcKind;
  /** Hash of the command line and config it was started with; a change means restart. */
  config: string;
}

export interface StateHost {
  name: string;
  address: string;
  dir: string;
}

export interface FleetState {
  version: 1;
  dir: string;
  user: string;
  monitUser: string;
  nodeExporter: boolean;
  hosts: StateHost[];
  procs: ProcRecord[];
  /** Set by writeState. */
  updatedAt?: string;
}

/** The snapshot merged with the journal; null when neither exists. */
export function readState(dir: string): FleetState | null {
  const paths = fleetPaths(dir);
  let state: FleetState | null = null;
  if (existsSync(paths.state)) {
    state = JSON.parse(readFileSync(paths.state, 'utf8')) as FleetState;
  }
  const journal = readJournal(paths.journal);
  if (!state && journal.length === 0) return null;
  const merged = state ?? emptyState(dir);
  // The same process can be recorded twice: by the child itself (no start time) and by the
  // parent right after spawn (with it). Keep one record per pid, preferring the complete one.
  const byKey = new Map<string, ProcRecord>();
  for (const rec of [...merged.procs, ...journal]) {
    const key = `${rec.host}/${rec.kind}/${rec.pid}`;
    const known = byKey.get(key);
    if (!known || (known.startTime === null && rec.startTime !== null)) byKey.set(key, rec);
  }
  merged.procs = [...byKey.values()];
  return merged;
}

function readJournal(file: string): ProcRecord[] {
  if (!existsSync(file)) return [];
  const records: ProcRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as ProcRecord);
    } catch {
      // A torn last line from a crash mid-write: the process it names may be lost to us, but
      // every complete line before it is kept.
    }
  }
  return records;
}

export function emptyState(dir: string): FleetState {
  return { version: 1, dir, user: '', monitUser: '', nodeExporter: true, hosts: [], procs: [], updatedAt: new Date().toISOString() };
}

/** Synchronous on purpose: called right after spawn(), before anything else can happen. */
export function journalSpawn(dir: string, rec: ProcRecord): void {
  appendFileSync(fleetPaths(dir).journal, JSON.stringify(rec) + '\n');
}

export function writeState(dir: string, state: FleetState): void {
  const paths = fleetPaths(dir);
  const tmp = `${paths.state}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n');
  renameSync(tmp, paths.state);
  rmSync(paths.journal, { force: true });
}

export function removeState(dir: string): void {
  const paths = fleetPaths(dir);
  rmSync(paths.state, { force: true });
  rmSync(paths.journal, { force: true });
}

/**
 * One fleet command at a time per dir: two `up`s racing would start duplicates. The lock names
 * its holder (pid + start time), so a lock left by a crashed command is recognised and taken over.
 */
export function acquireLock(dir: string): () => void {
  const file = fleetPaths(dir).lock;
  const me: ProcId = { pid: process.pid, startTime: readProcStat(process.pid)?.startTime ?? null };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: ProcId | null = null;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as ProcId;
    } catch {
      // Unreadable or half-written: treat as stale.
    }
    if (holder && isRunning(holder)) {
      const mine = holder.pid === me.pid && holder.startTime === me.startTime;
      throw new Error(
        mine
          ? `this process already holds the fleet lock on ${dir} (overlapping fleetUp/fleetDown calls?)`
          : `another fleet command (pid ${holder.pid}) is working on ${dir}; wait for it or stop it`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new Error(`could not take the fleet lock ${file}`);
}
