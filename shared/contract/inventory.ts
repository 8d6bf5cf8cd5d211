import { z } from 'zod';
import { ImportProblemSchema } from '../fleet/imported';
import { FleetSnapshotSchema, HostSchema } from '../fleet/model';
import type { RequestDef } from './defs';

// Starting without a fleet file: the hosts the user already has in ~/.ssh/config, and a fleet
// file written from the ones they pick.

export const SshConfigHostsSchema = z.object({
  /** The ssh config read (~/.ssh/config of the core's user). */
  file: z.string(),
  /** False for a user who has no ssh config yet (not an error). */
  exists: z.boolean(),
  hosts: z.array(HostSchema),
  /** Errors (a host skipped, an include unreadable) and notes (a Match block skipped). */
  problems: z.array(ImportProblemSchema),
  /** Where inventory.writeFleetFile writes when given no path. */
  defaultFleetFile: z.string(),
});
export type SshConfigHosts = z.infer<typeof SshConfigHostsSchema>;

export const inventoryRequests = {
  /** The concrete hosts of ~/.ssh/config, as fleet hosts. */
  'inventory.sshConfigHosts': { input: z.object({}).strict(), output: SshConfigHostsSchema },
  /** Writes a fleet file naming these hosts of ~/.ssh/config (never over an existing file) and
   * makes the console load it. */
  'inventory.writeFleetFile': {
    input: z
      .object({
        hosts: z.array(z.string().min(1)).min(1).max(10_000),
        /** Where to write; default SshConfigHosts.defaultFleetFile. */
        path: z.string().min(1).optional(),
        /** The environment the hosts go in; default "ssh-config". */
        environment: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    output: z.object({ path: z.string(), snapshot: FleetSnapshotSchema }),
  },
} as const satisfies Record<string, RequestDef>;
