import { z } from 'zod';
import { ViaSchema } from './via';

// The fleet as the console sees it once the fleet file is loaded and every level resolved.

export const StatusSourceSchema = z.record(z.string(), z.unknown());

export const HostSchema = z.object({
  /** Unique in the fleet; what the user calls the host. */
  name: z.string(),
  /** What to connect to: an IP address or a DNS name. */
  address: z.string(),
  port: z.number().int(),
  user: z.string(),
  environment: z.string(),
  roles: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  /** A ProxyJump-style chain ("user@host:port,host2"), or null for a direct connection. */
  jump: z.string().nullable(),
  identity: z.string().nullable(),
  knownHosts: z.string().nullable(),
  /** How its status requests and health gates reach it (absent: auto). */
  via: ViaSchema.optional(),
  /** Poll interval in milliseconds. */
  intervalMs: z.number(),
  status: z.array(StatusSourceSchema),
});
export type Host = z.infer<typeof HostSchema>;

export const EnvironmentSchema = z.object({
  name: z.string(),
  /** Role names in the order the fleet file gives them. */
  roles: z.array(z.string()),
});
export type Environment = z.infer<typeof EnvironmentSchema>;

/** How a problem says that the fleet file named (--fleet, FLEETDECK_FLEET) is not there yet, so that
 * the view can offer to write it. */
export const FLEET_FILE_MISSING = 'the file does not exist (yet)';

/** A problem in the fleet file, pointed at the place to fix. */
export const FleetProblemSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
});
export type FleetProblem = z.infer<typeof FleetProblemSchema>;

/** An app of the fleet file's `apps:`, as the Deploys view lists it. */
export const AppSummarySchema = z.object({
  name: z.string(),
  roles: z.array(z.string()),
  deployTo: z.string(),
  /** Where the code comes from, in words ("git /srv/git/shop.git @ main"). */
  source: z.string(),
  /** The hosts of its roles, in fleet file order. */
  hosts: z.array(z.string()),
  waves: z.array(z.union([z.number(), z.string()])),
  /** Environments that are its stages, in deploy order (absent: it deploys to all its hosts at once). */
  stages: z.array(z.string()).optional(),
  /** What each host goes through, in words (shared/deploy/plan.ts). */
  plan: z.array(z.object({ step: z.string(), what: z.string() })),
});
export type AppSummary = z.infer<typeof AppSummarySchema>;

export const FleetSnapshotSchema = z.object({
  /** The fleet file in use, or null when none was found. */
  file: z.string().nullable(),
  /** When the hosts below were loaded (ms since epoch), or null if never. */
  loadedAt: z.number().nullable(),
  environments: z.array(EnvironmentSchema),
  hosts: z.array(HostSchema),
  /** Set when the file on disk is broken: the hosts above are the last good version. */
  problem: FleetProblemSchema.nullable(),
  /** Things worth telling that do not stop the fleet: a skipped Match block in ~/.ssh/config, an
   * imported host the fleet file names too. */
  notes: z.array(FleetProblemSchema).optional(),
  /** The apps deploys ship (absent when the file has none). */
  apps: z.array(AppSummarySchema).optional(),
  /** Grows by one with every load attempt, so views can tell a reload happened. */
  revision: z.number().int(),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshotSchema>;
