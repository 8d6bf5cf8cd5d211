import { z } from 'zod';
import { FleetSnapshotSchema } from '../fleet/model';
import type { RequestDef, StreamDef } from './defs';

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Which shell runs the core. */
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  startedAt: z.number(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

const Empty = z.object({}).strict();

export const fleetRequests = {
  /** Which Fleetdeck this is and where it runs. */
  'app.info': { input: Empty, output: AppInfoSchema },
  /** The fleet as loaded now, with the problem of the file on disk if it is broken. */
  'fleet.snapshot': { input: Empty, output: FleetSnapshotSchema },
  /** Read the fleet file again now (it is also reloaded when it changes on disk). */
  'fleet.reload': { input: Empty, output: FleetSnapshotSchema },
} as const satisfies Record<string, RequestDef>;

export const fleetStreams = {
  /** The fleet snapshot, sent at once and again after every load attempt. */
  'fleet.updates': { params: Empty, event: FleetSnapshotSchema, flow: false },
} as const satisfies Record<string, StreamDef>;
