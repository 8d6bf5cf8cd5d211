import type { Environment, FleetSnapshot, Host } from '../../shared/fleet/model';

// The fleet view's rows: hosts grouped by environment, then by role, in the order the fleet file
// gives them, narrowed by the search box. A host in several roles has one row, under the first of
// its roles; the other roles name it in `also`, so their counts stay true.

export interface RoleGroup {
  role: string;
  /** Hosts whose first role this is: their rows are here. */
  hosts: Host[];
  /** Hosts in this role too, whose rows are under an earlier role. */
  also: Host[];
}

export interface EnvironmentGroup {
  name: string;
  /** Hosts of the environment in the fleet file. */
  total: number;
  /** Hosts of the environment that match the search (all of them without a search). */
  matched: number;
  roles: RoleGroup[];
  /** The jump host every host of the environment goes through, if they all share one. */
  jump: string | null;
}

export interface FleetGroups {
  environments: EnvironmentGroup[];
  total: number;
  matched: number;
}

/**
 * The host Enter in the search box opens: the one whose name or address is the search itself,
 * else the first match in the order the fleet view shows them. null when nothing matches.
 */
export function firstMatch(snapshot: Pick<FleetSnapshot, 'environments' | 'hosts'>, search: string): string | null {
  const text = search.trim().toLowerCase();
  if (!text) return null;
  const exact = snapshot.hosts.find((h) => h.name.toLowerCase() === text || h.address.toLowerCase() === text);
  if (exact) return exact.name;
  for (const env of groupFleet(snapshot, search).environments) for (const role of env.roles) if (role.hosts[0]) return role.hosts[0].name;
  return null;
}

/** Search text → lower-case terms; a host must match every term. */
export function searchTerms(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** What a term is compared with: name, address (with and without port), environment, roles,
 * and labels written as key=value or key:value. A term matches when it is part of any of them. */
export function searchableText(host: Host): string[] {
  const labels = Object.entries(host.labels).flatMap(([k, v]) => [`${k}=${v}`, `${k}:${v}`]);
  return [host.name, host.address, `${host.address}:${host.port}`, host.environment, ...host.roles, ...labels].map((s) =>
    s.toLowerCase(),
  );
}

export function hostMatches(host: Host, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const fields = searchableText(host);
  return terms.every((term) => fields.some((field) => field.includes(term)));
}

export function groupFleet(snapshot: Pick<FleetSnapshot, 'environments' | 'hosts'>, search: string): FleetGroups {
  const terms = searchTerms(search);
  interface Entry {
    env: Environment;
    hosts: Host[];
    roles: Map<string, RoleGroup>;
  }
  const envs = new Map<string, Entry>();
  const envEntry = (name: string): Entry => {
    let entry = envs.get(name);
    if (!entry) {
      const env = snapshot.environments.find((e) => e.name === name) ?? { name, roles: [] };
      entry = { env, hosts: [], roles: new Map(env.roles.map((role) => [role, { role, hosts: [], also: [] }])) };
      envs.set(name, entry);
    }
    return entry;
  };
  const roleGroup = (entry: Entry, role: string): RoleGroup => {
    let group = entry.roles.get(role);
    if (!group) entry.roles.set(role, (group = { role, hosts: [], also: [] }));
    return group;
  };
  // Environments in file order first, so that one without hosts still shows (without a search).
  for (const env of snapshot.environments) envEntry(env.name);

  let matched = 0;
  for (const host of snapshot.hosts) {
    const entry = envEntry(host.environment);
    entry.hosts.push(host);
    if (!hostMatches(host, terms)) continue;
    matched++;
    const [first = '(no role)', ...others] = host.roles;
    roleGroup(entry, first).hosts.push(host);
    for (const role of others) roleGroup(entry, role).also.push(host);
  }

  const environments: EnvironmentGroup[] = [];
  for (const { env, hosts, roles } of envs.values()) {
    const groups = [...roles.values()];
    const envMatched = groups.reduce((n, g) => n + g.hosts.length, 0);
    if (terms.length > 0 && envMatched === 0) continue;
    environments.push({
      name: env.name,
      total: hosts.length,
      matched: envMatched,
      roles: terms.length > 0 ? groups.filter((g) => g.hosts.length + g.also.length > 0) : groups,
      jump: sharedJump(hosts),
    });
  }
  return { environments, total: snapshot.hosts.length, matched };
}

/** The jump host of all these hosts when it is one and the same, else null. */
export function sharedJump(hosts: readonly Host[]): string | null {
  const first = hosts[0]?.jump ?? null;
  return first !== null && hosts.every((h) => h.jump === first) ? first : null;
}
