import { z } from 'zod';
import { SeriesQuerySchema, SeriesSchema } from '../status/schema';
import type { RequestDef } from './defs';

// A host's metrics over time, from the history database (the graphs of a host's page).

export const historyRequests = {
  /** A host's metrics over a range, downsampled to the chart's width. */
  'history.series': { input: SeriesQuerySchema.strict(), output: z.array(SeriesSchema) },
  /** The metrics a host has history of, so its graphs stay when it stops answering. */
  'history.metrics': { input: z.object({ host: z.string() }).strict(), output: z.array(z.string()) },
} as const satisfies Record<string, RequestDef>;
