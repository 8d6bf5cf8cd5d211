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

/** What a release was made from: the ref asked for and the revision its hosts prepared. */
export interface ReleaseFacts {
  ref: string | null;
  revision: string | null;
}

/** Each release's ref and revision, from the hosts' revisions.log lines (Capistrano's too) and the
 * console's own deploy records (which also know releases that failed before any log line). */
export function releaseFacts(
  log: readonly LogEntry[],
  records: ReadonlyArray<{ kind: string; release: string; ref: string | null; revision: string | null }>,
): Record<string, ReleaseFacts> {
  const facts: Record<string, ReleaseFacts> = {};
  const add = (release: string, ref: string | null, revision: string | null): void => {
    const known = Object.hasOwn(facts, release) ? facts[release]! : (facts[release] = { ref: null, revision: null });
    known.ref ??= ref;
    known.revision ??= revision;
  };
  for (const entry of log) if (entry.kind === 'deploy') add(entry.release, entry.branch, entry.revision);
  for (const r of records) if (r.kind === 'deploy') add(r.release, r.ref, r.revision);
  return facts;
}

/** A revision as people read it: a git commit's (or a folder's SHA-256's) first 7 characters. */
export function shortRevision(revision: string): string {
  return revision.slice(0, 7);
}

/** "v2 c44beba": what a release was made from, or '' when nothing is known of it. */
export function releaseOrigin(facts: ReleaseFacts | undefined): string {
  return [facts?.ref, facts?.revision ? shortRevision(facts.revision) : null].filter(Boolean).join(' ');
}

/** What is known of a release (own properties only: a release name read from a host is any text). */
export function factsOf(facts: Readonly<Record<string, ReleaseFacts>>, release: string): ReleaseFacts | undefined {
  return Object.hasOwn(facts, release) ? facts[release] : undefined;
}

/** "20261207101010 (v2 c44beba)": a release named with what it was made from, where known. */
export function releaseName(release: string | null, facts: Readonly<Record<string, ReleaseFacts>>): string {
  if (release === null) return 'none';
  const origin = releaseOrigin(factsOf(facts, release));
  return origin ? `${release} (${origin})` : release;
}
