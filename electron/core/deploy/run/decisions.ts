import { releasesToRemove } from '../../../../shared/deploy/release';
import { agree, plural } from '../../../../shared/text';
import type { HostFailure } from './onHosts';
import type { DeployKind, Ending } from './state';

// The run's decisions that need no host: where each host goes, what cleanup keeps, and what the
// outcome says. Pure, so each is tested alone (decisions.test.ts).

/** The newest release older than `release` on a host: where an undo takes it. */
export function previousOf(releases: readonly string[], release: string): string | null {
  return [...releases].filter((r) => r < release).sort().at(-1) ?? null;
}

/** Where a host was before the run: as an earlier run of it recorded, else for an undo the release
 * before the one it takes away, else where `current` points. */
export function previousRelease(
  kind: DeployKind,
  release: string,
  listing: { current: string | null; releases: readonly string[] },
  recorded: string | null | undefined,
): string | null {
  return recorded ?? (kind === 'undo' ? previousOf(listing.releases, release) : listing.current);
}

/** The release a host moves to: the run's, or for an undo the host's own previous one. */
export function targetOf(kind: DeployKind, release: string, previous: string | null | undefined): string {
  return kind === 'undo' ? (previous ?? '') : release;
}

/** An undo that cannot or need not start, once preflight knows each host's previous release. */
export function undoEnding(hosts: readonly string[], previous: Readonly<Record<string, string | null>>, release: string): Ending | null {
  const stuck = hosts.filter((h) => !previous[h]);
  if (stuck.length > 0) return { outcome: 'failed', message: `There is no earlier release to go back to on ${stuck.join(', ')}; nothing was changed.` };
  if (hosts.length === 0) return { outcome: 'succeeded', message: `No host runs ${release}; nothing to undo.` };
  return null;
}

/** The one revision every host prepared (null: they differ, as a moving ref fetched by each can). */
export function sharedRevision(hosts: readonly string[], revisionOf: Readonly<Record<string, string>>): string | null {
  const revisions = new Set(hosts.map((h) => revisionOf[h]));
  return revisions.size === 1 ? ([...revisions][0] ?? null) : null;
}

/** Which switched hosts a rollback sends back to their previous release, and which have none. */
export function rollbackTargets(
  hosts: readonly string[],
  previous: Readonly<Record<string, string | null>>,
  release: string,
): { movable: string[]; stuck: string[] } {
  return {
    movable: hosts.filter((h) => previous[h] && previous[h] !== release),
    // A first deploy has nothing to go back to: say so, rather than "0 hosts went back".
    stuck: hosts.filter((h) => !previous[h]),
  };
}

/** What a host's cleanup archives and removes. A rollback leaves the layout as Capistrano's rollback
 * would: the releases newer than the one it went back to are archived and removed. Old releases go
 * beyond `keep`, never the one it went to nor the one before it (for an undo, the release it took
 * away, so it can be resumed). */
export function cleanupPlan(o: {
  kind: DeployKind;
  release: string;
  to: string;
  present: readonly string[];
  previous: string | null;
  keep: number;
}): { archive: string[]; remove: string[] } {
  const present = [...new Set([...o.present, ...(o.kind === 'deploy' ? [o.release] : [])])];
  const archive = o.kind === 'rollback' ? present.filter((r) => r > o.to) : [];
  const releases = present.filter((r) => !archive.includes(r));
  const keepAlso = o.kind === 'undo' ? o.release : o.previous;
  return { archive, remove: releasesToRemove(releases, o.keep, o.to, keepAlso) };
}

/** What a rollback did: `moved` hosts went back, `stuck` ones had no earlier release to go to. */
export function rollbackSummary(moved: number, stuck: readonly string[], release: string): string {
  const parts = [
    moved > 0 ? `${plural(moved, 'switched host')} went back to ${agree(moved, 'its', 'their')} previous release` : null,
    stuck.length > 0 ? `${stuck.join(', ')} had no earlier release to go back to and ${agree(stuck.length, 'stays', 'stay')} on ${release}` : null,
  ].filter((part) => part !== null);
  // A wave that failed before its first switch: nothing to go back from.
  if (parts.length === 0) return 'no host had been switched, so none went back.';
  return `${parts.join('; ')}; hosts not yet switched kept theirs.`;
}

/** An abort that does not go back: which hosts it left on the release. */
export function abortedMessage(why: string, switched: readonly string[], previous: Readonly<Record<string, string | null>>, release: string): string {
  const moved = switched.filter((h) => previous[h] !== release);
  return `${why}. ${moved.length > 0 ? `${plural(moved.length, 'host')} run ${release} (${moved.join(', ')}); the others kept their release.` : 'No host was switched.'}`;
}

/** A run that went through: what is live (or taken back) where, and what a rollback archived. */
export function succeededMessage(o: {
  kind: DeployKind;
  app: string;
  release: string;
  shipped: string;
  hosts: number;
  archived: Readonly<Record<string, readonly string[]>>;
  deployTo: string;
}): string {
  const what = o.kind === 'undo' ? `${o.app} ${o.release} was taken back on ${plural(o.hosts, 'host')}` : `${o.app} ${o.shipped} is live on ${plural(o.hosts, 'host')}`;
  const left = [...new Set(Object.values(o.archived).flat())].sort();
  const archivedText =
    left.length === 0
      ? ''
      : ` As Capistrano's own rollback does, the ${agree(left.length, 'release', 'releases')} it left (${left.join(', ')}) ${agree(left.length, 'was', 'were')} archived as rolled-back-release-<id>.tar.gz in ${o.deployTo} and removed, so \`cap deploy:rollback\` goes further back; to go forward again, deploy ${agree(left.length, 'its', 'their')} ref anew.`;
  return `${what}.${archivedText}`;
}

/** The outcome's message with what the lock adds: whose locks it took over, which it could not remove. */
export function closingMessage(mainly: string, tookOver: readonly string[], stuck: readonly HostFailure[]): string {
  const said = tookOver.length === 0 ? mainly : `${mainly} It took over the lock on ${tookOver.join(', ')} (.fleetdeck/takeovers.log there says whose).`;
  return stuck.length === 0 ? said : `${said} The deploy lock could not be removed on ${stuck.map((f) => f.host).join(', ')} (${stuck.map((f) => f.error).join('; ')}); the console removes it once ${stuck.length === 1 ? 'that host answers' : 'those hosts answer'} again (Releases shows it until then).`;
}
