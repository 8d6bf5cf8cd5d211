import { z } from 'zod';
import { HostStatusSchema, StatusBatchSchema, StatusEventSchema } from '../status/schema';
import type { RequestDef, StreamDef } from './defs';

const Empty = z.object({}).strict();

export const statusRequests = {
  /** One host's current status with every check. */
  'status.host': { input: z.object({ host: z.string() }).strict(), output: HostStatusSchema.nullable() },
  /** The latest state changes, newest first (optionally of one host). */
  'status.events': {
    input: z.object({ host: z.string().optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(StatusEventSchema),
  },
} as const satisfies Record<string, RequestDef>;

export const statusStreams = {
  /** Every host's status at once, then batches of the hosts that changed (a few per second). */
  'status.updates': { params: Empty, event: StatusBatchSchema, flow: false },
  /** State changes as they happen. */
  'status.changes': { params: Empty, event: StatusEventSchema, flow: false },
} as const satisfies Record<string, StreamDef>;
