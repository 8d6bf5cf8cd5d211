import { z } from 'zod';
import type { Host } from './model';
import { FleetProblemSchema } from './model';
import { hostNameProblem, jumpProblem, userProblem } from './names';
import { DEFAULT_INTERVAL_MS } from './resolve';
import type { Settings } from './schema';

// Hosts read from files the user already has (~/.ssh/config, Ansible inventories), before the
// fleet file's levels are applied. Only what the source file says is set, so that the fleet
// file's defaults can fill the rest and a fleet file written from them stays short.

export interface ImportedHost {
  name: string;
  /** What to connect to, when the source gives it (HostName, ansible_host). */
  address?: string | undefined;
  environment: string;
  roles: string[];
  /** Settings the source file gives for this host; paths are absolute. */
  settings: Pick<Settings, 'user' | 'port' | 'identity' | 'known_hosts' | 'jump' | 'labels'>;
  /** Where the host is named, for clash reports. */
  source: { file: string; line: number };
}

/** A problem in an imported file: an error (the host or the file could not be read) or a note
 * (something skipped on purpose, such as a Match block). */
export const ImportProblemSchema = FleetProblemSchema.extend({ severity: z.enum(['error', 'note']) });
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

export interface ImportResult {
  hosts: ImportedHost[];
  problems: ImportProblem[];
  /** Every file read (includes too), so that a change to any of them can reload the fleet. */
  files: string[];
}

/** An imported host as a fleet host on its own, without a fleet file around it. */
export function importedToHost(host: ImportedHost, localUser: string): Host {
  const s = host.settings;
  return {
    name: host.name,
    address: host.address ?? host.name,
    port: s.port ?? 22,
    user: s.user ?? localUser,
    environment: host.environment,
    roles: [...host.roles],
    labels: { ...s.labels },
    jump: s.jump ?? null,
    identity: s.identity ?? null,
    knownHosts: s.known_hosts ?? null,
    intervalMs: DEFAULT_INTERVAL_MS,
    status: [],
  };
}

/** The imported hosts whose name, address, user and jump hosts follow the fleet's naming rule
 * (./names.ts); each other host is left out with an error at the line that names it. */
export function checkImportedNames(result: ImportResult): ImportResult {
  const hosts: ImportedHost[] = [];
  const problems = [...result.problems];
  for (const host of result.hosts) {
    const { user, jump } = host.settings;
    const why =
      hostNameProblem(host.name) ??
      (host.address !== undefined ? hostNameProblem(host.address, 'address') : null) ??
      (user !== undefined ? userProblem(user) : null) ??
      (jump !== undefined ? jumpProblem(jump) : null);
    if (why) problems.push({ severity: 'error', file: host.source.file, line: host.source.line, column: 0, message: why });
    else hosts.push(host);
  }
  return { ...result, hosts, problems };
}
