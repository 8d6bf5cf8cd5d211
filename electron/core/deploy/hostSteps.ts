import { parseLockFacts, type LockFacts } from '../../../shared/deploy/lock';
import { isReleaseId } from '../../../shared/deploy/release';
import { raw, remotePath, sh, type ShellText } from '../ssh/shell';

// The shell each deploy step runs on a host, in Capistrano's layout:
//   <deploy_to>/releases/<id>/  current -> releases/<id>  shared/  repo/  revisions.log
// plus <deploy_to>/.fleetdeck/lock (a directory: mkdir is atomic) with its holder and heartbeat
// files (shared/deploy/lock.ts). Capistrano takes the same lock with capistrano/fleetdeck_lock.rake
// (its holder starts with "capistrano ", shared/deploy/lock.ts isCapistranoHolder; it writes no heartbeat).
// Every value from the fleet file, the user or a host goes into a script through `sh` (../ssh/shell.ts),
// which quotes it; `~/` is the remote user's home. Release ids are checked as well: a host's own
// answers (where `current` points) are data, never shell.

export interface StepContext {
  deployTo: string;
  release: string;
}

const cd = (c: StepContext): string => sh`set -eu; cd ${remotePath(c.deployTo)}`;

/** The lock's holder line as its holder file has it (first line, at most 500 bytes). */
const HOLDER = raw('"$(head -n 1 .fleetdeck/lock/holder 2>/dev/null | head -c 500)"');

/** Writes the host's time as the lock's heartbeat; renamed into place, so a reader never sees it half written. */
const BEAT = raw('date +%s > .fleetdeck/lock/heartbeat.tmp && mv -f .fleetdeck/lock/heartbeat.tmp .fleetdeck/lock/heartbeat');

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
    sh`mkdir -p ${remotePath(c.deployTo)}/releases ${remotePath(c.deployTo)}/shared ${remotePath(c.deployTo)}/.fleetdeck`,
    cd(c),
    LOCK_FACTS,
    ...linkedFiles.map((f) => sh`[ -e shared/${f} ] || { echo ${`linked file shared/${f} is missing`} >&2; exit 4; }`),
    `df -Pk . | awk 'NR==2 { if ($4 < 102400) { print "less than 100 MB free" > "/dev/stderr"; exit 5 } }'`,
    CURRENT_FACT,
    'ls -1 releases | grep -E "^[0-9]{14}$" || true',
  ].join('\n');
}

/** Prints where `current` points, on one line whatever its name holds (newlines become spaces). */
export const CURRENT_FACT = `printf 'current=%s\\n' "$(readlink -n current 2>/dev/null | tr '\\n' ' ')"`;

/** Where `current` points, as CURRENT_FACT printed it: a release id, null when there is none, or
 * why what the host answered is not one. Anyone who can write the deploy folder decides this
 * answer, so only a release id is ever used. */
export function parseCurrent(lines: readonly string[]): { current: string | null; problem: string | null } {
  const target = lines.find((l) => l.startsWith('current='))?.slice(8).replace(/\/+$/, '') ?? '';
  if (target === '') return { current: null, problem: null };
  const name = target.slice(target.lastIndexOf('/') + 1);
  if (isReleaseId(name)) return { current: name, problem: null };
  return {
    current: null,
    problem: `current points at ${JSON.stringify(target)}, which is not a release (releases/ and 14 digits). Fleetdeck does not switch this host until current points at a release: fix it on the host (ln -sfn releases/<id> current, or remove current) and try again.`,
  };
}

/** What preflight prints: the lock, where current points (or why that is not a release), and the releases present, oldest first. */
export function parseListing(out: string): { current: string | null; currentProblem: string | null; releases: string[]; lock: LockFacts | null } {
  const lines = out.split('\n');
  const { current, problem } = parseCurrent(lines);
  return { current, currentProblem: problem, releases: lines.filter((l) => isReleaseId(l)).sort(), lock: parseLockFacts(lines) };
}

/** Why the previous releases a deploy record gives cannot be used (null: every one is a release id or none). */
export function previousProblem(previous: Record<string, string | null> | undefined): string | null {
  const bad = Object.entries(previous ?? {}).filter(([, id]) => id !== null && !isReleaseId(id));
  if (bad.length === 0) return null;
  return `The deploy record names ${bad.map(([h, id]) => `${JSON.stringify(id)} for ${h}`).join(', ')} as the previous release, which is not a release id (14 digits); nothing was changed. Start a rollback to a release listed under Releases instead.`;
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
      ? [sh`if [ -d .fleetdeck/lock ] && [ ${HOLDER} = ${takeFrom.holder} ]; then printf '%s\\n' ${takeFrom.note} | tee -a .fleetdeck/takeovers.log; rm -rf .fleetdeck/lock; fi`]
      : []),
    `mkdir .fleetdeck/lock || { echo "locked by $(cat .fleetdeck/lock/holder 2>/dev/null)" >&2; exit 3; }`,
    // A lock without its holder would be no one's to remove (a full disk lets mkdir through and
    // fails the write): give it back at once and say why.
    sh`if ! { printf '%s\\n' ${holder} > .fleetdeck/lock/holder && ${BEAT}; }; then`,
    '  rm -rf .fleetdeck/lock',
    sh`  echo ${`could not write the lock's holder in ${c.deployTo}/.fleetdeck/lock, so the lock was not taken: is the disk full? (df -h ${c.deployTo})`} >&2`,
    '  exit 4',
    'fi',
  ].join('\n');
}

/** Refreshes the heartbeat while the lock is still `holder`'s; prints "lost <holder>" when it is not. */
export function heartbeatScript(c: StepContext, holder: string): string {
  return [cd(c), sh`if [ ${HOLDER} = ${holder} ]; then ${BEAT}; else echo "lost "${HOLDER}; fi`].join('\n');
}

/** Removes the lock if it is still `holder`'s: one taken over meanwhile is its new holder's. */
const unlockOwn = (holder: string): string => sh`if [ ${HOLDER} = ${holder} ]; then rm -rf .fleetdeck/lock; fi`;

export function unlockScript(c: StepContext, holder: string): string {
  return [cd(c), unlockOwn(holder)].join('\n');
}

/** Where a release's files come from: the git mirror, or a tarball uploaded to the host. */
export type PrepareSource = { git: string; ref: string } | { tarball: string; revision: string };

/** releases/<id>, quoted; refuses anything that is not a release id (a host's `current`, a stored record). */
function releaseDir(release: string, suffix = ''): ShellText {
  if (!isReleaseId(release)) throw new Error(`"${release}" is not a release id (14 digits, e.g. 20260101120000)`);
  return raw(sh`releases/${release + suffix}`);
}

/** Unpacks the source's revision as the release (fetching the git mirror first), links shared
 * files and folders, builds, and only then names it releases/<id>: a release folder without
 * .tmp is always complete. Prints the release's REVISION. */
export function prepareScript(
  c: StepContext,
  o: { source: PrepareSource; linkedFiles: readonly string[]; linkedDirs: readonly string[]; build?: string | undefined },
): string {
  const rel = releaseDir(c.release);
  const tmp = releaseDir(c.release, '.tmp');
  const src = o.source;
  const fetch =
    'git' in src
      ? [
          sh`if [ ! -d repo ]; then git clone -q --mirror ${src.git} repo; else git -C repo remote update --prune >/dev/null; fi`,
          sh`rev=$(git -C repo rev-parse --verify -q ${`${src.ref}^{commit}`}) || { echo ${`${src.ref} is not a commit of ${src.git}`} >&2; exit 7; }`,
        ]
      : [sh`rev=${src.revision}`];
  const unpack = 'git' in src ? sh`git -C repo archive "$rev" | tar -x -C ${tmp}` : sh`tar -xzf ${src.tarball} -C ${tmp}`;
  return [
    cd(c),
    ...fetch,
    // A half-prepared release from an earlier failed run is made again from scratch.
    sh`if [ ! -f ${rel}/REVISION ]; then rm -rf ${tmp}; mkdir -p ${tmp}; ${raw(unpack)}`,
    ...o.linkedDirs.map((d) => sh`  mkdir -p shared/${d}; rm -rf ${tmp}/${d}; mkdir -p "$(dirname ${tmp}/${d})"; ln -s "$PWD/shared/"${d} ${tmp}/${d}`),
    ...o.linkedFiles.map((f) => sh`  rm -f ${tmp}/${f}; ln -s "$PWD/shared/"${f} ${tmp}/${f}`),
    // The build command is the user's own shell, run inside the new release.
    ...(o.build ? [sh`  (cd ${tmp} && ${raw(o.build)})`] : []),
    sh`  echo "$rev" > ${tmp}/REVISION; mv ${tmp} ${rel}; fi`,
    ...('tarball' in src ? [sh`rm -f ${src.tarball}`] : []),
    sh`cat ${rel}/REVISION`,
  ].join('\n');
}

/** Points current at the release atomically (rename over the old link); prints the previous one. */
export function switchScript(c: StepContext): string {
  const rel = releaseDir(c.release);
  return [
    cd(c),
    sh`[ -f ${rel}/REVISION ] || { echo ${`release ${c.release} is not prepared here`} >&2; exit 6; }`,
    'previous=$(readlink current 2>/dev/null | sed "s|.*/||" || true)',
    sh`ln -sfn ${rel} current.tmp && mv -T current.tmp current`,
    'echo "$previous"',
  ].join('\n');
}

/** Restarts the app with the user's own restart command, in the release `current` points at. */
export function restartScript(c: StepContext, restart: string): string {
  return [cd(c), sh`cd current && ${raw(restart)}`].join('\n');
}

/** The end of a deploy on a host, in one round trip: the revisions.log line, old releases
 * removed, the lock released. After a rollback, as Capistrano's deploy:cleanup_rollback does, the
 * releases left behind are archived in deploy_to and removed, and `newest` (the release gone back
 * to) is touched: Capistrano's rollback picks the release before the newest by mtime. */
export function finishScript(
  c: StepContext,
  line: string,
  remove: readonly string[],
  holder: string,
  rollback: { archive: readonly string[]; newest: string } | null = null,
): string {
  const archive = (rollback?.archive ?? []).map((id) => sh`tar -czf ${`rolled-back-release-${id}.tar.gz`} ${releaseDir(id)} && rm -rf ${releaseDir(id)}`);
  const touch = rollback ? [sh`touch ${releaseDir(rollback.newest)}`] : [];
  return [cd(c), sh`printf '%s\\n' ${line} >> revisions.log`, ...archive, ...touch, ...remove.map((id) => sh`rm -rf ${releaseDir(id)}`), unlockOwn(holder)].join('\n');
}

/** Asks the git server, from a host (with the host's own access to it), whether `ref` names a
 * branch, tag or other ref there: a bad ref is found in preflight, before any host is locked. */
export function refCheckScript(git: string, ref: string): string {
  return [
    'set -eu',
    sh`if out=$(git ls-remote --exit-code -- ${git} ${ref} 2>&1); then :; else`,
    sh`  code=$?; if [ "$code" = 2 ]; then echo ${`${ref} is not a branch or tag of ${git}`} >&2; else printf '%s\\n' "$out" | tail -n 3 >&2; fi; exit 7`,
    'fi',
  ].join('\n');
}
