import type { CheckStateName, HostStatus } from '../../shared/status/schema';
import type { StatusSlice } from './status';

// Counts of a list of hosts by state (the map's chips, an environment's numbers, a tier's bar),
// kept up to date from the hosts each batch touched instead of recounted: at 10,000 hosts a
// recount by every counter for every batch was 10 ms of the map's 8 ms budget. A counter that
// missed a batch (mounted since, or the statuses replaced) counts afresh.

/** What a tile shows: a state, or not polled yet. */
export type HostGroup = CheckStateName | 'PENDING';

export type Tally = Record<HostGroup, number>;

/** Not polled yet: no answer and no checks. Not a problem (grey, like Nagios' PENDING). */
export function isPending(status: HostStatus | undefined): boolean {
  return !status || (status.lastPoll === null && status.checks.length === 0);
}

export function groupOf(status: HostStatus | undefined): HostGroup {
  return isPending(status) ? 'PENDING' : status!.state;
}

interface Memo {
  statuses: StatusSlice['statuses'];
  version: number;
  /** Each host of the list and the group it is counted in. */
  groups: Map<string, HostGroup>;
  tally: Tally;
  key: string;
}

const memos = new WeakMap<readonly string[], Memo>();

const keyOf = (t: Tally): string => `${t.CRITICAL},${t.WARNING},${t.UNKNOWN},${t.OK},${t.PENDING}`;

type Table = Pick<StatusSlice, 'statuses' | 'statusVersion' | 'statusChanged'>;

function countAfresh(names: readonly string[], s: Table): Memo {
  const tally: Tally = { CRITICAL: 0, WARNING: 0, UNKNOWN: 0, OK: 0, PENDING: 0 };
  const groups = new Map<string, HostGroup>();
  for (const name of names) {
    const group = groupOf(s.statuses[name]);
    groups.set(name, group);
    tally[group]++;
  }
  return { statuses: s.statuses, version: s.statusVersion, groups, tally, key: keyOf(tally) };
}

/**
 * The tally of these hosts as one string ("CRITICAL,WARNING,UNKNOWN,OK,PENDING"), equal while
 * nothing changed, for a selector. The list is remembered by identity: pass the same array.
 */
export function tallyKey(names: readonly string[], s: Table): string {
  let memo = memos.get(names);
  if (memo && memo.statuses === s.statuses && memo.version === s.statusVersion) return memo.key;
  if (memo && memo.statuses === s.statuses && memo.version === s.statusVersion - 1 && s.statusChanged) {
    for (const name of s.statusChanged) {
      const before = memo.groups.get(name);
      if (before === undefined) continue; // not one of these hosts
      const now = groupOf(s.statuses[name]);
      if (now === before) continue;
      memo.groups.set(name, now);
      memo.tally[before]--;
      memo.tally[now]++;
    }
    memo.version = s.statusVersion;
    memo.key = keyOf(memo.tally);
    return memo.key;
  }
  memo = countAfresh(names, s);
  memos.set(names, memo);
  return memo.key;
}

export function parseTallyKey(key: string): Tally {
  const [CRITICAL = 0, WARNING = 0, UNKNOWN = 0, OK = 0, PENDING = 0] = key.split(',').map(Number);
  return { CRITICAL, WARNING, UNKNOWN, OK, PENDING };
}
