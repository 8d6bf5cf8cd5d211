// Release names and the on-host record, as Capistrano writes them, so a fleet deployed by
// Capistrano is read by Fleetdeck and the other way round.
//   <deploy_to>/releases/<YYYYMMDDHHMMSS>/   REVISION   current -> releases/<id>   revisions.log

/** The release id for a deploy: UTC time to the second, one for every host of the deploy. */
export function releaseId(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(at.getUTCFullYear(), 4)}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
}

export function isReleaseId(name: string): boolean {
  return /^\d{14}$/.test(name);
}

/** A deploy line as Capistrano 3 writes it (`set :revision_log_message`'s default). */
export function deployLogLine(o: { branch: string; revision: string; release: string; user: string }): string {
  return `Branch ${o.branch} (at ${o.revision}) deployed as release ${o.release} by ${o.user}`;
}

export function rollbackLogLine(o: { user: string; release: string }): string {
  return `${o.user} rolled back to release ${o.release}`;
}

export type LogEntry =
  | { kind: 'deploy'; branch: string; revision: string; release: string; user: string }
  | { kind: 'rollback'; release: string; user: string }
  | { kind: 'other'; text: string };

/** One line of revisions.log; lines written by other tools are kept as they are. */
export function parseLogLine(line: string): LogEntry {
  // Capistrano writes its local_user, which is empty where $USER is not set.
  const deploy = /^Branch (.+) \(at (\S+)\) deployed as release (\d{14}) by ?(.*)$/.exec(line.trim());
  if (deploy) return { kind: 'deploy', branch: deploy[1]!, revision: deploy[2]!, release: deploy[3]!, user: deploy[4] || 'unknown' };
  const rollback = /^(?:(.*) )?rolled back to release (\d{14})$/.exec(line.trim());
  if (rollback) return { kind: 'rollback', user: rollback[1] || 'unknown', release: rollback[2]! };
  return { kind: 'other', text: line };
}

/**
 * The releases cleanup may delete: all but the newest `keep`, and never the current release nor
 * the previous good one (the rollback target), whatever `keep` says.
 */
export function releasesToRemove(releases: readonly string[], keep: number, current: string | null, previousGood: string | null): string[] {
  const sorted = releases.filter(isReleaseId).sort();
  const kept = new Set(sorted.slice(Math.max(0, sorted.length - Math.max(1, keep))));
  if (current) kept.add(current);
  if (previousGood) kept.add(previousGood);
  return sorted.filter((r) => !kept.has(r));
}

/** How a deploy is named to people (webhook messages, desktop notifications). */
export function deployTitle(kind: 'deploy' | 'rollback' | 'undo', app: string, release: string): string {
  return kind === 'deploy' ? `Deploy of ${app} ${release}` : kind === 'rollback' ? `Rollback of ${app} to ${release}` : `Undo of ${app} ${release}`;
}
