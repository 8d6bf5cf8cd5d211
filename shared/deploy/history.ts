import { describeLock, isCapistranoHolder, parseHolder, takesOver, type Lease } from './lock';
import type { LogEntry } from './release';

// The release history of an app from what its hosts say: every release present on some host,
// newest first, with where it is current and who deployed it (from revisions.log); and drift —
// hosts whose current release is not the one most hosts run.

export interface HostReport {
  host: string;
  current: string | null;
  releases: readonly string[];
  /** Releases a rollback archived (rolled-back-release-<id>.tar.gz) and removed from releases/. */
  archived?: readonly string[];
  log: readonly LogEntry[];
  /** Who holds the deploy lock, or null when it is free. */
  lock?: string | null;
  /** How alive that lock is (shared/deploy/lock.ts). */
  lease?: Lease | null;
  error: string | null;
}

export interface ReleaseRow {
  release: string;
  presentOn: string[];
  /** Hosts where a rollback archived it: gone from releases/, kept as a tarball. */
  archivedOn: string[];
  currentOn: string[];
  revision: string | null;
  deployedBy: string | null;
  branch: string | null;
}

export function releaseRows(reports: readonly HostReport[]): ReleaseRow[] {
  const rows = new Map<string, ReleaseRow>();
  const row = (release: string): ReleaseRow => {
    let r = rows.get(release);
    if (!r) rows.set(release, (r = { release, presentOn: [], archivedOn: [], currentOn: [], revision: null, deployedBy: null, branch: null }));
    return r;
  };
  for (const report of reports) {
    for (const release of report.releases) row(release).presentOn.push(report.host);
    for (const release of report.archived ?? []) row(release).archivedOn.push(report.host);
    if (report.current) row(report.current).currentOn.push(report.host);
    for (const entry of report.log) {
      if (entry.kind !== 'deploy' || !rows.has(entry.release)) continue;
      const r = row(entry.release);
      r.revision ??= entry.revision;
      r.deployedBy ??= entry.user;
      r.branch ??= entry.branch;
    }
  }
  return [...rows.values()].sort((a, b) => b.release.localeCompare(a.release));
}

/** The release most hosts run, and the hosts that run something else (or nothing). */
export function drift(reports: readonly HostReport[]): { expected: string | null; drifted: string[] } {
  const counts = new Map<string, number>();
  for (const r of reports) if (r.current) counts.set(r.current, (counts.get(r.current) ?? 0) + 1);
  const expected = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0]))[0]?.[0] ?? null;
  return { expected, drifted: reports.filter((r) => !r.error && r.current !== expected).map((r) => r.host) };
}

/** What the console recorded of a deploy, as far as recovering it goes. */
export interface RecordFacts {
  kind: 'deploy' | 'rollback' | 'undo';
  release: string;
  hosts: readonly string[];
  outcome: string | null;
}

/** A lock whose liveness is not known is taken as live. */
const LIVE: Lease = { ageSeconds: 0, heartbeat: true, stale: false };

/** A deploy cut short (console killed, failed, aborted) can be resumed or undone. */
export function isRecoverable(record: RecordFacts): boolean {
  return record.kind === 'deploy' && record.outcome !== null && ['interrupted', 'failed', 'aborted'].includes(record.outcome);
}

/** What resuming or undoing a cut-short deploy would do, from what the hosts say now. */
export function recoveryPlan(record: RecordFacts, reports: readonly HostReport[]): string {
  const mine = reports.filter((r) => record.hosts.includes(r.host));
  const on = mine.filter((r) => r.current === record.release).map((r) => r.host);
  const off = mine.filter((r) => r.current !== record.release).map((r) => `${r.host} (${r.current ?? 'none'})`);
  const held = mine.filter((r): r is HostReport & { lock: string } => Boolean(r.lock));
  // What a resume of an interrupted deploy takes over by itself (deployService.ts): its own lock and
  // stale ones of consoles, never a live lock of another console nor Capistrano's.
  const taken = (r: HostReport & { lock: string }): boolean => record.outcome === 'interrupted' && takesOver('console', r.lock, r.lease ?? LIVE, record.release);
  const own = held.filter((r) => taken(r) && parseHolder(r.lock)?.release === record.release).map((r) => r.host);
  const stale = held.filter((r) => taken(r) && !own.includes(r.host)).map((r) => r.host);
  const byCap = held.filter((r) => !taken(r) && isCapistranoHolder(r.lock));
  const byOthers = held.filter((r) => !taken(r) && !isCapistranoHolder(r.lock));
  return [
    `${record.release} runs on ${on.join(', ') || 'no host'}; ${off.length ? `not on ${off.join(', ')}` : 'every host has it'}.`,
    own.length ? `The lock it left on ${own.join(', ')} is taken over.` : '',
    stale.length ? `The stale lock of another console on ${stale.join(', ')} is taken over.` : '',
    byCap.length ? `Capistrano holds the lock on ${byCap.map((r) => `${r.host} (${r.lock})`).join(', ')}: this stops at preflight until cap gives it back.` : '',
    byOthers.length ? `Another deploy holds the lock on ${byOthers.map((r) => `${r.host} (${r.lease ? describeLock(r.lock, r.lease) : r.lock})`).join(', ')}: this stops at preflight until it ends or its lock goes stale.` : '',
  ].filter(Boolean).join(' ');
}
