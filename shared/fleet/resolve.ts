import type { Environment, FleetProblem, Host } from './model';
import type { FleetFile, Settings } from './schema';
import type { AppSpec } from './appSchema';
import { expandHostRange } from './hostRange';
import type { ImportedHost } from './imported';

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
  /** What the console should tell but that does not stop the fleet (an imported host that the
   * file names too, say). */
  notes: FleetProblem[];
  /** The fleet file's apps as written (with defaults), for the deploy service. */
  appSpecs: Record<string, AppSpec>;
}

/** How often a host is polled when no level sets `interval`. */
export const DEFAULT_INTERVAL_MS = 10_000;

export function resolveFleet(file: FleetFile, defaults: ResolveDefaults, imported: readonly ImportedHost[] = []): ResolvedFleet {
  const hosts = new Map<string, Host>();
  const environments: Environment[] = [];
  const where = new Map<string, string>();

  for (const [envName, env] of Object.entries(file.environments ?? {})) {
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
            ...(s.via ? { via: s.via } : {}),
            intervalMs: s.interval ?? DEFAULT_INTERVAL_MS,
            status: s.status ?? [],
          });
        });
      });
    }
  }
  const notes = addImported(file, defaults, imported, hosts, environments);
  for (const name of Object.keys(file.hosts ?? {})) {
    if (!hosts.has(name)) throw new FleetResolveError(`host "${name}" has settings but is in no role and is not imported.`, ['hosts', name]);
  }
  return { environments, hosts: [...hosts.values()], notes, appSpecs: file.apps ?? {} };
}

/** Imported hosts join under the file's own levels: defaults, then the file's environment and
 * role of the same names if it has them, then what the import says, then `hosts:` by name. A
 * host the file names itself keeps the file's version; the clash is reported as a note. */
function addImported(
  file: FleetFile,
  defaults: ResolveDefaults,
  imported: readonly ImportedHost[],
  hosts: Map<string, Host>,
  environments: Environment[],
): FleetProblem[] {
  const notes: FleetProblem[] = [];
  const fromImport = new Map<string, ImportedHost>();
  for (const host of imported) {
    const note = (message: string): void => {
      notes.push({ file: host.source.file, line: host.source.line, column: 0, message });
    };
    const earlier = fromImport.get(host.name);
    if (earlier) {
      note(`host "${host.name}" is imported twice (also from ${earlier.source.file} line ${earlier.source.line}); the first one is used.`);
      continue;
    }
    if (hosts.has(host.name)) {
      note(`host "${host.name}" is also in the fleet file; the fleet file's host is used.`);
      continue;
    }
    fromImport.set(host.name, host);
    const env = file.environments?.[host.environment];
    let envEntry = environments.find((e) => e.name === host.environment);
    if (!envEntry) {
      envEntry = { name: host.environment, roles: [] };
      environments.push(envEntry);
    }
    for (const role of host.roles) if (!envEntry.roles.includes(role)) envEntry.roles.push(role);
    const perHost = file.hosts?.[host.name];
    const s = inherit(file.defaults, env, ...host.roles.map((r) => env?.roles[r]), host.settings, perHost);
    hosts.set(host.name, {
      name: host.name,
      address: perHost?.address ?? host.address ?? host.name,
      port: s.port ?? 22,
      user: s.user ?? defaults.user,
      environment: host.environment,
      roles: [...host.roles],
      labels: s.labels ?? {},
      jump: s.jump ?? null,
      identity: s.identity ?? null,
      knownHosts: s.known_hosts ?? null,
      ...(s.via ? { via: s.via } : {}),
      intervalMs: s.interval ?? DEFAULT_INTERVAL_MS,
      status: s.status ?? [],
    });
  }
  return notes;
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
  via: true,
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
