import type { HostReleasesMessage } from '../../../shared/contract/deploy';
import { leaseOf, lockSettings, parseLockFacts } from '../../../shared/deploy/lock';
import { isReleaseId, parseLogLine } from '../../../shared/deploy/release';
import type { AppSpec } from '../../../shared/fleet/appSchema';
import type { Host } from '../../../shared/fleet/model';
import type { SshPool } from '../ssh/pool';
import { Semaphore } from '../common/semaphore';
import { remotePath, sh } from '../ssh/shell';
import { CURRENT_FACT, LOCK_FACTS, parseCurrent } from './hostSteps';

// What the hosts themselves say about an app's releases: the releases present, where `current`
// points, and the tail of revisions.log — so a deploy by another operator, or by Capistrano,
// shows as well as Fleetdeck's own.

/** What one host says (the contract's shape). */
export type HostReleases = HostReleasesMessage;

const MARK = '--fleetdeck-log--';

export async function readHostReleases(pool: SshPool, spec: AppSpec, hosts: readonly Host[]): Promise<HostReleases[]> {
  const script = [
    sh`cd ${remotePath(spec.deploy_to)} 2>/dev/null || { echo "not deployed yet"; exit 0; }`,
    CURRENT_FACT,
    LOCK_FACTS,
    'ls -1 releases 2>/dev/null | grep -E "^[0-9]{14}$" || true',
    'ls -1 | sed -n "s/^rolled-back-release-\\([0-9]\\{14\\}\\)\\.tar\\.gz$/archived=\\1/p"',
    `echo ${MARK}`,
    'tail -n 50 revisions.log 2>/dev/null || true',
  ].join('\n');
  const settings = lockSettings(spec.lock);
  const limit = new Semaphore(20);
  return Promise.all(
    hosts.map((h) =>
      limit.run(async (): Promise<HostReleases> => {
        let out = '';
        try {
          await pool.exec(h.name, script, { onStdout: (c) => (out += c.toString()), timeoutMs: 30_000 });
        } catch (error) {
          return { host: h.name, current: null, releases: [], archived: [], log: [], lock: null, lease: null, error: (error as Error).message };
        }
        const [head = '', tail = ''] = out.split(`${MARK}\n`);
        const lines = head.split('\n').filter(Boolean);
        const { current, problem } = parseCurrent(lines);
        const lock = parseLockFacts(lines);
        return {
          host: h.name,
          current,
          releases: lines.filter((l) => isReleaseId(l)),
          archived: lines.flatMap((l) => (/^archived=\d{14}$/.test(l) ? [l.slice(9)] : [])),
          log: tail.split('\n').filter(Boolean).map(parseLogLine),
          lock: lock ? lock.holder || 'unknown' : null,
          lease: lock ? leaseOf(lock, settings) : null,
          error: problem,
        };
      }),
    ),
  );
}
