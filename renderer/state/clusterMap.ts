import type { Host } from '../../shared/fleet/model';
import type { HostStatus } from '../../shared/status/schema';
import { groupFleet } from './fleetGroups';
import { countStates, type StateCounts } from './status';

// The cluster map's layout: per environment its roles as tiers in traffic order (load balancers,
// then web and app servers, then databases, then the rest in file order). Recomputed when the
// fleet or the search changes, never when a host's state does: with 1,000 hosts changing state
// every second, re-rendering the map each time would cost tens of milliseconds a batch.

const TRAFFIC_ORDER = ['lb', 'balancer', 'proxy', 'edge', 'web', 'frontend', 'app', 'api', 'worker', 'queue', 'cache', 'db', 'database', 'storage'];

export interface MapTier {
  role: string;
  hosts: string[];
}

export interface MapEnvironment {
  name: string;
  tiers: MapTier[];
  hosts: string[];
  total: number;
}

export interface ClusterMap {
  environments: MapEnvironment[];
  /** Every host the search matched: what the state chips count. */
  hosts: string[];
  shown: number;
}

export function trafficRank(role: string): number {
  const i = TRAFFIC_ORDER.indexOf(role.toLowerCase());
  return i < 0 ? TRAFFIC_ORDER.length : i;
}


/**
 * The map's structure: environments, tiers in traffic order, host names in file order. It
 * depends on the fleet and the search only; states change colours and order through CSS, and the
 * counts are read by small components of their own.
 */
export function clusterMap(snapshot: { environments: { name: string; roles: string[] }[]; hosts: Host[] }, search: string): ClusterMap {
  const groups = groupFleet(snapshot, search);
  let shown = 0;
  const environments = groups.environments.map((env) => {
    const roles = env.roles.map((r, fileOrder) => ({ r, fileOrder }));
    roles.sort((a, b) => trafficRank(a.r.role) - trafficRank(b.r.role) || a.fileOrder - b.fileOrder);
    const tiers: MapTier[] = roles.map(({ r }) => ({ role: r.role, hosts: r.hosts.map((h) => h.name) }));
    shown += tiers.reduce((n, t) => n + t.hosts.length, 0);
    return { name: env.name, tiers, hosts: tiers.flatMap((t) => t.hosts), total: env.total };
  });
  return { environments, hosts: environments.flatMap((e) => e.hosts), shown };
}

/** Counts as one string ("CRITICAL,WARNING,UNKNOWN,OK"), so a selector returns the same value
 * when nothing changed and its component does not re-render. */
export function countsKey(names: readonly string[], statuses: Readonly<Record<string, HostStatus>>): string {
  const c = countStates(names, statuses);
  return `${c.CRITICAL},${c.WARNING},${c.UNKNOWN},${c.OK}`;
}

export function parseCountsKey(key: string): StateCounts {
  const [CRITICAL = 0, WARNING = 0, UNKNOWN = 0, OK = 0] = key.split(',').map(Number);
  return { CRITICAL, WARNING, UNKNOWN, OK };
}
