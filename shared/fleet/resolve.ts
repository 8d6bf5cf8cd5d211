import type { Environment, Host } from './model';
import type { FleetFile, Settings } from './schema';
import { expandHostRange } from './hostRange';

// Turns a validated fleet file into hosts: ranges expanded, settings inherited level by level
// (defaults → environment → role → host), a host named in several roles of one environment
// merged into one host with several roles.

export type YamlPath = (string | number)[];

/** A problem found while resolving, with the path of the offending node in the file. */
export class FleetResolveError extends Error {
  constructor(
    message: string,
    readonly path: YamlPath,
  ) {
    super(message);
  }
}

export interface ResolveDefaults {
  /** The local user name: SSH's own default login. */
  user: string;
}

export interface ResolvedFleet {
  environments: Environment[];
  hosts: Host[];
}

const DEFAULT_INTERVAL_MS = 10_000;

export function resolveFleet(file: FleetFile, defaults: ResolveDefaults): ResolvedFleet {
  const hosts = new Map<string, Host>();
  const environments: Environment[] = [];
  const where = new Map<string, string>();

  for (const [envName, env] of Object.entries(file.environments)) {
    environments.push({ name: envName, roles: Object.keys(env.roles) });
    for (const [roleName, role] of Object.entries(env.roles)) {
      role.hosts.forEach((entry, index) => {
        const path: YamlPath = ['environments', envName, 'roles', roleName, index];
        let names: string[];
        try {
          names = expandHostRange(entry.name);
        } catch (error) {
          throw new FleetResolveError((error as Error).message, [...path, 'name']);
        }
        const addresses = entry.address ? expandAddresses(entry.address, names.length, [...path, 'address']) : null;
        names.forEach((name, i) => {
          const seenIn = where.get(name);
          if (seenIn && seenIn !== envName) {
            throw new FleetResolveError(`host "${name}" is in two environments: ${seenIn} and ${envName}.`, path);
          }
          where.set(name, envName);
          const existing = hosts.get(name);
          if (existing) {
            if (!existing.roles.includes(roleName)) existing.roles.push(roleName);
            return;
          }
          const perHost = file.hosts?.[name];
          const s = inherit(file.defaults, env, role, perHost, entry);
          hosts.set(name, {
            name,
            address: addresses?.[i] ?? entry.address ?? perHost?.address ?? name,
            port: s.port ?? 22,
            user: s.user ?? defaults.user,
            environment: envName,
            roles: [roleName],
            labels: s.labels ?? {},
            jump: s.jump ?? null,
            identity: s.identity ?? null,
            knownHosts: s.known_hosts ?? null,
            intervalMs: s.interval ?? DEFAULT_INTERVAL_MS,
            status: s.status ?? [],
          });
        });
      });
    }
  }
  for (const name of Object.keys(file.hosts ?? {})) {
    if (!hosts.has(name)) throw new FleetResolveError(`host "${name}" has settings but is in no role.`, ['hosts', name]);
  }
  return { environments, hosts: [...hosts.values()] };
}

/** Settings of every level merged, the lower level winning; labels merge key by key. */
function inherit(...levels: (Settings | undefined)[]): Settings {
  const out: Settings = {};
  for (const level of levels) {
    if (!level) continue;
    for (const [key, value] of Object.entries(level) as [keyof Settings, unknown][]) {
      if (value === undefined || !(key in SETTING_KEYS)) continue;
      if (key === 'labels') out.labels = { ...out.labels, ...(value as Record<string, string>) };
      else (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

const SETTING_KEYS: Record<keyof Settings, true> = {
  user: true,
  port: true,
  identity: true,
  known_hosts: true,
  jump: true,
  interval: true,
  labels: true,
  status: true,
};

/** An address may be a range too ("10.0.0.[1:12]"), paired one to one with the names. */
function expandAddresses(address: string, count: number, path: YamlPath): string[] | null {
  let list: string[];
  try {
    list = expandHostRange(address);
  } catch (error) {
    throw new FleetResolveError((error as Error).message, path);
  }
  if (list.length === 1 && count === 1) return list;
  if (list.length !== count) {
    throw new FleetResolveError(`${count} host names but ${list.length} addresses: give one address per host.`, path);
  }
  return list;
}
