// How a test fleet of N hosts is split into environments and roles for fleet.yaml.
// Kept pure and tiny so the split is easy to reason about and to unit-test.

export interface FleetSplit {
  staging: { app: number };
  production: { lb: number; app: number; db: number };
}

/**
 * About a third of the hosts are staging app servers; production gets one load balancer, a db tier
 * of roughly one host in eight (at least one once there is room), and app servers for the rest.
 * With 1 host there is only staging; with 2, one staging and one production app; with 3, the
 * production side is lb + app (a db needs a fourth host).
 */
export function splitFleet(hosts: number): FleetSplit {
  if (!Number.isInteger(hosts) || hosts < 1) throw new RangeError(`hosts must be a positive integer, got ${hosts}`);
  if (hosts === 1) return { staging: { app: 1 }, production: { lb: 0, app: 0, db: 0 } };
  if (hosts === 2) return { staging: { app: 1 }, production: { lb: 0, app: 1, db: 0 } };
  const staging = Math.max(1, Math.round(hosts / 3));
  const rest = hosts - staging;
  const lb = 1;
  const db = rest >= 3 ? Math.max(1, Math.floor(rest / 8)) : 0;
  return { staging: { app: staging }, production: { lb, app: rest - lb - db, db } };
}

export interface RoleGroup {
  environment: 'staging' | 'production';
  role: 'lb' | 'app' | 'db';
  /** 0-based host positions, consecutive: staging first, then lb, app, db. */
  positions: number[];
}

/** Turns the counts into consecutive host positions, in the order fleet.yaml lists them. */
export function roleGroups(hosts: number): RoleGroup[] {
  const split = splitFleet(hosts);
  const order: Array<[RoleGroup['environment'], RoleGroup['role'], number]> = [
    ['staging', 'app', split.staging.app],
    ['production', 'lb', split.production.lb],
    ['production', 'app', split.production.app],
    ['production', 'db', split.production.db],
  ];
  const groups: RoleGroup[] = [];
  let next = 0;
  for (const [environment, role, count] of order) {
    if (count === 0) continue;
    groups.push({ environment, role, positions: Array.from({ length: count }, (_, i) => next + i) });
    next += count;
  }
  return groups;
}
