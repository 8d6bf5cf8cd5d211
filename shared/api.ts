import type { z } from 'zod';
import type { RequestDef, StreamDef } from './contract/defs';
import { fleetRequests, fleetStreams } from './contract/fleet';
import { historyRequests } from './contract/history';
import { inventoryRequests } from './contract/inventory';
import { deployRequests, deployStreams } from './contract/deploy';
import { runStreams } from './contract/run';
import { sshRequests, sshStreams } from './contract/ssh';
import { statusRequests, statusStreams } from './contract/status';
import { terminalRequests, terminalStreams } from './contract/terminal';

// The one contract between the core and the renderer. Every request names its input and output
// schema; every stream names its parameters and event schema. Each feature declares its part in
// shared/contract/<feature>.ts; this file joins them. The core implements exactly this
// (electron/core/core.ts), the renderer calls it through one typed client (renderer/client.ts), and
// the transports in between are generic over it. Adding a feature means adding a part here.

export { AppInfoSchema, type AppInfo } from './contract/fleet';
export type { RequestDef, StreamDef } from './contract/defs';

export const requests = {
  ...fleetRequests,
  ...statusRequests,
  ...historyRequests,
  ...inventoryRequests,
  ...terminalRequests,
  ...sshRequests,
  ...deployRequests,
} as const satisfies Record<string, RequestDef>;

export const streams = {
  ...fleetStreams,
  ...statusStreams,
  ...terminalStreams,
  ...sshStreams,
  ...runStreams,
  ...deployStreams,
} as const satisfies Record<string, StreamDef>;

export type Requests = typeof requests;
export type Streams = typeof streams;
export type RequestName = keyof Requests;
export type StreamName = keyof Streams;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;
export type StreamParams<N extends StreamName> = z.input<Streams[N]['params']>;
export type StreamEvent<N extends StreamName> = z.output<Streams[N]['event']>;
