import type { Host } from '../../shared/fleet/model';
import { groupFleet } from './fleetGroups';

// The cluster map's layout: per environment its roles as tiers in traffic order (load balancers,
// then web and app servers, then databases, then the rest in file order). Recomputed when the
// fleet or the search changes, never when a host's state does: with 1,000 hosts changing state
// every second, re-rendering the map each time would cost tens of milliseconds a batch.

/** Tiers with more hosts than this are folded: their problems are tiles, the rest a count and a
 * button. 48 tiles are three or four rows on a laptop's screen; past that the OK tiles would
 * push the next tier's problems out of sight. */
export const FOLD_ABOVE = 48;

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
