import type { DeployRecordMessage } from '../../../shared/contract/deploy';
import type { Database } from '../history/db';

// Deploy records in the console's SQLite (migrations 100-102): one row per deploy or rollback,
// written when it starts and when it ends, with each host's steps, its stage and revision.

export type RecordOutcome = NonNullable<DeployRecordMessage['outcome']>;

/** One deploy or rollback as recorded (the contract's shape). */
export type DeployRecord = DeployRecordMessage;

export class DeployRecords {
  constructor(private readonly db: Database) {}

  /** Deploys that never ended were cut short by the console going away: say so. */
  markInterrupted(now = Date.now()): number {
    return Number(this.db.prepare("UPDATE deploys SET finished_at = ?, outcome = 'interrupted', message = 'The console stopped during this deploy; check the hosts (Releases) and deploy or roll back again.' WHERE finished_at IS NULL").run(now).changes);
  }

  start(r: Pick<DeployRecord, 'app' | 'release' | 'kind' | 'ref' | 'user' | 'machine' | 'hosts'> & Partial<Pick<DeployRecord, 'stage' | 'promotedFrom' | 'revision'>>, now = Date.now()): number {
    return Number(
      this.db
        .prepare('INSERT INTO deploys (app, release, kind, ref, user, machine, started_at, hosts, stage, promoted_from, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          r.app,
          r.release,
          r.kind,
          r.ref,
          r.user,
          r.machine,
          now,
          JSON.stringify(r.hosts),
          r.stage ?? null,
          r.promotedFrom ?? null,
          r.revision ?? null,
        ).lastInsertRowid,
    );
  }

  setRevision(id: number, revision: string): void {
    this.db.prepare('UPDATE deploys SET revision = ? WHERE id = ?').run(revision, id);
  }

  setPrevious(id: number, previous: Record<string, string | null>): void {
    this.db.prepare('UPDATE deploys SET previous = ? WHERE id = ?').run(JSON.stringify(previous), id);
  }

  get(id: number): DeployRecord | null {
    return this.rows('SELECT * FROM deploys WHERE id = ?', id)[0] ?? null;
  }

  finish(id: number, outcome: RecordOutcome, message: string, steps: DeployRecord['steps'], now = Date.now()): void {
    this.db.prepare('UPDATE deploys SET finished_at = ?, outcome = ?, message = ?, steps = ? WHERE id = ?').run(now, outcome, message, JSON.stringify(steps), id);
  }

  list(app: string, limit = 50): DeployRecord[] {
    return this.rows('SELECT * FROM deploys WHERE app = ? ORDER BY id DESC LIMIT ?', app, limit);
  }

  private rows(sql: string, ...params: Array<string | number>): DeployRecord[] {
    return this.db
      .prepare(sql)
      .all(...params)
      .map((r) => ({
        id: Number(r.id),
        app: String(r.app),
        release: String(r.release),
        kind: r.kind as DeployRecord['kind'],
        ref: r.ref === null ? null : String(r.ref),
        user: String(r.user),
        machine: String(r.machine),
        startedAt: Number(r.started_at),
        finishedAt: r.finished_at === null ? null : Number(r.finished_at),
        outcome: (r.outcome as RecordOutcome | null) ?? null,
        message: r.message === null ? null : String(r.message),
        hosts: JSON.parse(String(r.hosts)) as string[],
        steps: JSON.parse(String(r.steps)) as DeployRecord['steps'],
        previous: JSON.parse(String(r.previous)) as DeployRecord['previous'],
        stage: r.stage === null ? null : String(r.stage),
        promotedFrom: r.promoted_from === null ? null : String(r.promoted_from),
        revision: r.revision === null ? null : String(r.revision),
      }));
  }
}
