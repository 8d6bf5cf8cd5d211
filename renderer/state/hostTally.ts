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

/** Each group's place in a tally (and its key): a counter keeps each host's group as this number. */
const GROUP_INDEX: Readonly<Record<HostGroup, number>> = { CRITICAL: 0, WARNING: 1, UNKNOWN: 2, OK: 3, PENDING: 4 };
/** Not one of the counter's hosts. */
const NOT_COUNTED = -1;

/** A number per host name a counter has seen: counters keep their hosts' groups in typed arrays
 * indexed by it, so following a batch costs each counter an array read per touched host, not a
 * lookup by name (eight counters on the 10,000-host map looked up 8,000 names a batch). */
const hostIds = new Map<string, number>();
function idOf(name: string): number {
  let id = hostIds.get(name);
  if (id === undefined) {
    id = hostIds.size;
    hostIds.set(name, id);
  }
  return id;
}

interface Memo {
  statuses: StatusSlice['statuses'];
  version: number;
  /** By host id: the group index each of the list's hosts is counted in, or NOT_COUNTED. */
  groups: Int8Array;
  tally: number[];
  key: string;
}

const memos = new WeakMap<readonly string[], Memo>();

const keyOf = (t: readonly number[]): string => t.join(',');

type Table = Pick<StatusSlice, 'statuses' | 'statusVersion' | 'statusChanged'>;

function countAfresh(names: readonly string[], s: Table): Memo {
  const tally = [0, 0, 0, 0, 0];
  const ids = names.map(idOf);
  const groups = new Int8Array(hostIds.size).fill(NOT_COUNTED);
  names.forEach((name, i) => {
    const group = GROUP_INDEX[groupOf(s.statuses[name])];
    groups[ids[i]!] = group;
    tally[group]!++;
  });
  return { statuses: s.statuses, version: s.statusVersion, groups, tally, key: keyOf(tally) };
}

/** The hosts a batch touched, as ids and group indexes: worked out once per batch for every counter. */
let touched: { statuses: Table['statuses']; version: number; ids: number[]; groups: number[] } | null = null;
function touchedBy(s: Table, changed: readonly string[]): { ids: number[]; groups: number[] } {
  if (touched?.statuses === s.statuses && touched.version === s.statusVersion) return touched;
  const ids: number[] = [];
  const groups: number[] = [];
  for (const name of changed) {
    const id = hostIds.get(name);
    // A name no counter has seen is in no counter's list.
    if (id === undefined) continue;
    ids.push(id);
    groups.push(GROUP_INDEX[groupOf(s.statuses[name])]);
  }
  touched = { statuses: s.statuses, version: s.statusVersion, ids, groups };
  return touched;
}

/**
 * The tally of these hosts as one string ("CRITICAL,WARNING,UNKNOWN,OK,PENDING"), equal while
 * nothing changed, for a selector. The list is remembered by identity: pass the same array.
 */
export function tallyKey(names: readonly string[], s: Table): string {
  let memo = memos.get(names);
  if (memo && memo.statuses === s.statuses && memo.version === s.statusVersion) return memo.key;
  if (memo && memo.statuses === s.statuses && memo.version === s.statusVersion - 1 && s.statusChanged) {
    const { ids, groups } = touchedBy(s, s.statusChanged);
    const mine = memo.groups;
    let moved = false;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const before = id < mine.length ? mine[id]! : NOT_COUNTED;
      const now = groups[k]!;
      if (before === NOT_COUNTED || before === now) continue;
      mine[id] = now;
      memo.tally[before]!--;
      memo.tally[now]!++;
      moved = true;
    }
    memo.version = s.statusVersion;
    if (moved) memo.key = keyOf(memo.tally);
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
