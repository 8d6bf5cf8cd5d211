import type { Host } from '../../shared/fleet/model';
import { compareStates } from '../../shared/health';
import type { CheckStateName, HostStatus } from '../../shared/status/schema';
import { groupFleet } from './fleetGroups';
import { countStates, emptyCounts, type StateCounts } from './status';

// The cluster map's layout: per environment its roles as tiers in traffic order (load balancers,
// then web and app servers, then databases, then the rest in file order), each tier's hosts with
// the problems first. Recomputed when the fleet, the search or some host's state changes, never
// for new samples alone.

const TRAFFIC_ORDER = ['lb', 'balancer', 'proxy', 'edge', 'web', 'frontend', 'app', 'api', 'worker', 'queue', 'cache', 'db', 'database', 'storage'];

export interface MapTier {
  role: string;
  hosts: string[];
  counts: StateCounts;
}

export interface MapEnvironment {
  name: string;
  tiers: MapTier[];
  counts: StateCounts;
  total: number;
}

export interface ClusterMap {
  environments: MapEnvironment[];
  /** Over the hosts the search matched, before the state filter: the chips' numbers. */
  counts: StateCounts;
  shown: number;
}

export function trafficRank(role: string): number {
  const i = TRAFFIC_ORDER.indexOf(role.toLowerCase());
  return i < 0 ? TRAFFIC_ORDER.length : i;
}

export function clusterMap(
  snapshot: { environments: { name: string; roles: string[] }[]; hosts: Host[] },
  statuses: Readonly<Record<string, HostStatus>>,
  search: string,
  stateFilter: CheckStateName | null,
): ClusterMap {
  const groups = groupFleet(snapshot, search);
  const counts = emptyCounts();
  let shown = 0;
  const stateOf = (name: string): CheckStateName => statuses[name]?.state ?? 'UNKNOWN';
  const environments = groups.environments.map((env) => {
    const roles = env.roles.map((r, fileOrder) => ({ r, fileOrder }));
    roles.sort((a, b) => trafficRank(a.r.role) - trafficRank(b.r.role) || a.fileOrder - b.fileOrder);
    const tiers: MapTier[] = [];
    for (const { r } of roles) {
      const names = r.hosts.map((h) => h.name);
      const tierCounts = countStates(names, statuses);
      for (const state of Object.keys(counts) as CheckStateName[]) counts[state] += tierCounts[state];
      const visible = (stateFilter ? names.filter((n) => stateOf(n) === stateFilter) : names)
        .map((name, i) => ({ name, i }))
        .sort((a, b) => compareStates(stateOf(b.name), stateOf(a.name)) || a.i - b.i)
        .map((x) => x.name);
      shown += visible.length;
      if (visible.length > 0 || (!stateFilter && !search.trim())) tiers.push({ role: r.role, hosts: visible, counts: tierCounts });
    }
    const envCounts = emptyCounts();
    for (const t of tiers) for (const state of Object.keys(envCounts) as CheckStateName[]) envCounts[state] += t.counts[state];
    return { name: env.name, tiers, counts: envCounts, total: env.total };
  });
  return { environments: environments.filter((e) => e.tiers.length > 0), counts, shown };
}
