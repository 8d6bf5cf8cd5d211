import { z } from 'zod';
import { FleetSnapshotSchema } from './fleet/model';
import {
  HostStatusSchema,
  SeriesQuerySchema,
  SeriesSchema,
  StatusBatchSchema,
  StatusEventSchema,
} from './status/schema';

// The one contract between the core and the renderer. Every request names its input and output
// schema; every stream names its parameters and event schema. The core implements exactly this
// (electron/core.ts), the renderer calls it through one typed client (renderer/client.ts), and
// the transports in between are generic over it. Adding a feature means adding an entry here.

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

export const requests = {
  /** Which Fleetdeck this is and where it runs. */
  'app.info': { input: Empty, output: AppInfoSchema },
  /** The fleet as loaded now, with the problem of the file on disk if it is broken. */
  'fleet.snapshot': { input: Empty, output: FleetSnapshotSchema },
  /** Read the fleet file again now (it is also reloaded when it changes on disk). */
  'fleet.reload': { input: Empty, output: FleetSnapshotSchema },
  /** One host's current status with every check. */
  'status.host': { input: z.object({ host: z.string() }).strict(), output: HostStatusSchema.nullable() },
  /** The latest state changes, newest first (optionally of one host). */
  'status.events': {
    input: z.object({ host: z.string().optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(StatusEventSchema),
  },
  /** A host's metrics over a range, downsampled to the chart's width. */
  'history.series': { input: SeriesQuerySchema.strict(), output: z.array(SeriesSchema) },
} as const satisfies Record<string, RequestDef>;

export const streams = {
  /** The fleet snapshot, sent at once and again after every load attempt. */
  'fleet.updates': { params: Empty, event: FleetSnapshotSchema, flow: false },
  /** Every host's status at once, then batches of the hosts that changed (a few per second). */
  'status.updates': { params: Empty, event: StatusBatchSchema, flow: false },
  /** State changes as they happen. */
  'status.changes': { params: Empty, event: StatusEventSchema, flow: false },
} as const satisfies Record<string, StreamDef>;

export interface RequestDef {
  input: z.ZodType;
  output: z.ZodType;
}
export interface StreamDef {
  params: z.ZodType;
  event: z.ZodType;
  /** Flow-controlled: the client acknowledges what it consumed, the core slows down when too
   * much is unacknowledged (terminal output). Other streams are never acknowledged. */
  flow: boolean;
}

export type Requests = typeof requests;
export type Streams = typeof streams;
export type RequestName = keyof Requests;
export type StreamName = keyof Streams;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;
export type StreamParams<N extends StreamName> = z.input<Streams[N]['params']>;
export type StreamEvent<N extends StreamName> = z.output<Streams[N]['event']>;
