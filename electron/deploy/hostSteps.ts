import { parseLockFacts, type LockFacts } from '../../shared/deploy/lock';
import { shellQuote } from '../run/runService';

// The shell each deploy step runs on a host, in Capistrano's layout:
//   <deploy_to>/releases/<id>/  current -> releases/<id>  shared/  repo/  revisions.log
// plus <deploy_to>/.fleetdeck/lock (a directory: mkdir is atomic) with its holder and heartbeat
// files (shared/deploy/lock.ts). Capistrano takes the same lock with capistrano/fleetdeck_lock.rake
// (its holder starts with "capistrano ", shared/deploy/lock.ts isCapistranoHolder; it writes no heartbeat).
// Every value from the fleet file or the user is quoted; `~/` is the remote user's home.

export function remoteDir(path: string): string {
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

export interface StepContext {
  deployTo: string;
  release: string;
}

const cd = (c: StepContext): string => `set -eu; cd ${remoteDir(c.deployTo)}`;

/** The lock's holder line as its holder file has it (first line, at most 500 bytes). */
const HOLDER = '"$(head -n 1 .fleetdeck/lock/holder 2>/dev/null | head -c 500)"';

/** Writes the host's time as the lock's heartbeat; renamed into place, so a reader never sees it half written. */
const BEAT = 'date +%s > .fleetdeck/lock/heartbeat.tmp && mv -f .fleetdeck/lock/heartbeat.tmp .fleetdeck/lock/heartbeat';

/** Prints the lock, if there is one, for parseLockFacts (shared/deploy/lock.ts): its holder, and
 * the age on the host's own clock of its heartbeat or, without one (Capistrano's), of the lock. */
export const LOCK_FACTS = [
  'if [ -d .fleetdeck/lock ]; then',
  `  printf 'lock=%s\\n' ${HOLDER}`,
  '  now=$(date +%s); beat=$(cat .fleetdeck/lock/heartbeat 2>/dev/null || true)',
  '  case "$beat" in',
  `    ''|*[!0-9]*) echo "lock_age=$((now - $(stat -c %Y .fleetdeck/lock 2>/dev/null || echo "$now"))) taken" ;;`,
  '    *) echo "lock_age=$((now - beat)) heartbeat" ;;',
  '  esac',
  'fi',
].join('\n');

/** Creates the layout if new; fails with a message if a linked file is missing or the disk is
 * full. Prints the lock (LOCK_FACTS: the runner decides whether it may take it), the current
 * release and the releases present. */
export function preflightScript(c: StepContext, linkedFiles: readonly string[]): string {
  return [
    `mkdir -p ${remoteDir(c.deployTo)}/releases ${remoteDir(c.deployTo)}/shared ${remoteDir(c.deployTo)}/.fleetdeck`,
    cd(c),
    LOCK_FACTS,
    ...linkedFiles.map((f) => `[ -e shared/${shellQuote(f)} ] || { echo "linked file shared/${f.replace(/"/g, '')} is missing" >&2; exit 4; }`),
    `df -Pk . | awk 'NR==2 { if ($4 < 102400) { print "less than 100 MB free" > "/dev/stderr"; exit 5 } }'`,
    'echo "current=$(readlink current 2>/dev/null | sed "s|.*/||")"',
    'ls -1 releases | grep -E "^[0-9]{14}$" || true',
  ].join('\n');
}

/** What preflight prints: the lock, where current points, and the releases present, oldest first. */
export function parseListing(out: string): { current: string | null; releases: string[]; lock: LockFacts | null } {
  const lines = out.split('\n');
  return { current: lines.find((l) => l.startsWith('current='))?.slice(8) || null, releases: lines.filter((l) => /^\d{14}$/.test(l)).sort(), lock: parseLockFacts(lines) };
}

/** A lock preflight saw and the runner may take: its holder line, and the line takeovers.log gets. */
export interface TakeFrom {
  holder: string;
  note: string;
}

/** Takes the lock and writes its holder and first heartbeat. With takeFrom, the lock preflight saw
 * is removed first, if it is still that holder's, and the take-over written to
 * .fleetdeck/takeovers.log (and printed); any other lock makes mkdir fail. */
export function lockScript(c: StepContext, holder: string, takeFrom: TakeFrom | null = null): string {
  return [
    cd(c),
    'mkdir -p .fleetdeck',
    ...(takeFrom
      ? [`if [ -d .fleetdeck/lock ] && [ ${HOLDER} = ${shellQuote(takeFrom.holder)} ]; then printf '%s\\n' ${shellQuote(takeFrom.note)} | tee -a .fleetdeck/takeovers.log; rm -rf .fleetdeck/lock; fi`]
      : []),
    `mkdir .fleetdeck/lock || { echo "locked by $(cat .fleetdeck/lock/holder 2>/dev/null)" >&2; exit 3; }`,
    `printf '%s\\n' ${shellQuote(holder)} > .fleetdeck/lock/holder`,
    BEAT,
  ].join('\n');
}

/** Refreshes the heartbeat while the lock is still `holder`'s; prints "lost <holder>" when it is not. */
export function heartbeatScript(c: StepContext, holder: string): string {
  return [cd(c), `if [ ${HOLDER} = ${shellQuote(holder)} ]; then ${BEAT}; else echo "lost "${HOLDER}; fi`].join('\n');
}

/** Removes the lock if it is still `holder`'s: one taken over meanwhile is its new holder's. */
const unlockOwn = (holder: string): string => `if [ ${HOLDER} = ${shellQuote(holder)} ]; then rm -rf .fleetdeck/lock; fi`;

export function unlockScript(c: StepContext, holder: string): string {
  return [cd(c), unlockOwn(holder)].join('\n');
}

/** Where a release's files come from: the git mirror, or a tarball uploaded to the host. */
export type PrepareSource = { git: string; ref: string } | { tarball: string; revision: string };

/** Unpacks the source's revision as the release (fetching the git mirror first), links shared
 * files and folders, builds, and only then names it releases/<id>: a release folder without
 * .tmp is always complete. Prints the release's REVISION. */
export function prepareScript(c: StepContext, o: { source: PrepareSource; linkedFiles: readonly string[]; linkedDirs: readonly string[]; build?: string | undefined }): string {
  const rel = `releases/${c.release}`;
  const src = o.source;
  const fetch =
    'git' in src
      ? [
          `if [ ! -d repo ]; then git clone -q --mirror ${shellQuote(src.git)} repo; else git -C repo remote update --prune >/dev/null; fi`,
          `rev=$(git -C repo rev-parse --verify -q ${shellQuote(`${src.ref}^{commit}`)}) || { echo ${shellQuote(`${src.ref} is not a commit of ${src.git}`)} >&2; exit 7; }`,
        ]
      : [`rev=${shellQuote(src.revision)}`];
  const unpack = 'git' in src ? `git -C repo archive "$rev" | tar -x -C ${rel}.tmp` : `tar -xzf ${shellQuote(src.tarball)} -C ${rel}.tmp`;
  return [
    cd(c),
    ...fetch,
    // A half-prepared release from an earlier failed run is made again from scratch.
    `if [ ! -f ${rel}/REVISION ]; then rm -rf ${rel}.tmp; mkdir -p ${rel}.tmp; ${unpack}`,
    ...o.linkedDirs.map((d) => `  mkdir -p shared/${shellQuote(d)}; rm -rf ${rel}.tmp/${shellQuote(d)}; mkdir -p "$(dirname ${rel}.tmp/${shellQuote(d)})"; ln -s "$PWD/shared/"${shellQuote(d)} ${rel}.tmp/${shellQuote(d)}`),
    ...o.linkedFiles.map((f) => `  rm -f ${rel}.tmp/${shellQuote(f)}; ln -s "$PWD/shared/"${shellQuote(f)} ${rel}.tmp/${shellQuote(f)}`),
    ...(o.build ? [`  (cd ${rel}.tmp && ${o.build})`] : []),
    `  echo "$rev" > ${rel}.tmp/REVISION; mv ${rel}.tmp ${rel}; fi`,
    ...('tarball' in src ? [`rm -f ${shellQuote(src.tarball)}`] : []),
    `cat ${rel}/REVISION`,
  ].join('\n');
}

/** Points current at the release atomically (rename over the old link); prints the previous one. */
export function switchScript(c: StepContext): string {
  return [
    cd(c),
    `[ -f releases/${c.release}/REVISION ] || { echo "release ${c.release} is not prepared here" >&2; exit 6; }`,
    'previous=$(readlink current 2>/dev/null | sed "s|.*/||" || true)',
    `ln -sfn releases/${c.release} current.tmp && mv -T current.tmp current`,
    'echo "$previous"',
  ].join('\n');
}

export function restartScript(c: StepContext, restart: string): string {
  return [cd(c), `cd current && ${restart}`].join('\n');
}

/** The end of a deploy on a host, in one round trip: the revisions.log line, old releases
 * removed, the lock released. After a rollback, as Capistrano's deploy:cleanup_rollback does, the
 * releases left behind are archived in deploy_to and removed, and `newest` (the release gone back
 * to) is touched: Capistrano's rollback picks the release before the newest by mtime. */
export function finishScript(c: StepContext, line: string, remove: readonly string[], holder: string, rollback: { archive: readonly string[]; newest: string } | null = null): string {
  const archive = (rollback?.archive ?? []).map((id) => `tar -czf ${shellQuote(`rolled-back-release-${id}.tar.gz`)} releases/${shellQuote(id)} && rm -rf releases/${shellQuote(id)}`);
  const touch = rollback ? [`touch releases/${shellQuote(rollback.newest)}`] : [];
  return [cd(c), `printf '%s\\n' ${shellQuote(line)} >> revisions.log`, ...archive, ...touch, ...remove.map((id) => `rm -rf releases/${shellQuote(id)}`), unlockOwn(holder)].join('\n');
}

/** Asks the git server, from a host (with the host's own access to it), whether `ref` names a
 * branch, tag or other ref there: a bad ref is found in preflight, before any host is locked. */
export function refCheckScript(git: string, ref: string): string {
  return [
    'set -eu',
    `if out=$(git ls-remote --exit-code -- ${shellQuote(git)} ${shellQuote(ref)} 2>&1); then :; else`,
    `  code=$?; if [ "$code" = 2 ]; then echo ${shellQuote(`${ref} is not a branch or tag of ${git}`)} >&2; else printf '%s\\n' "$out" | tail -n 3 >&2; fi; exit 7`,
    'fi',
  ].join('\n');
}
