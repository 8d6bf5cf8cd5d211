import type { z } from 'zod';

// The shape of one contract entry. Each feature declares its requests and streams in its own file
// in this folder; shared/api.ts joins them into the one contract.

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
