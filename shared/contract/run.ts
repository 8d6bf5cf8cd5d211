import { z } from 'zod';
import type { StreamDef } from './defs';

// Commands on many hosts and log tails on many hosts, over each host's pooled SSH connection.

const Hosts = z.array(z.string().min(1)).min(1).max(5000);

export const RunEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), host: z.string(), at: z.number() }),
  /** Output, batched per host (≤ 50 ms), UTF-8 safe; after 1 MB per host the rest is dropped and said so. */
  z.object({ kind: z.literal('output'), host: z.string(), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  z.object({ kind: z.literal('finished'), host: z.string(), code: z.number().nullable(), signal: z.string().nullable(), durationMs: z.number() }),
  /** Could not run at all (unreachable, host key, login) or was stopped. */
  z.object({ kind: z.literal('failed'), host: z.string(), error: z.string(), durationMs: z.number() }),
  z.object({ kind: z.literal('done'), ok: z.number(), failed: z.number() }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;

export const TailEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lines'), host: z.string(), lines: z.array(z.string()) }),
  z.object({ kind: z.literal('ended'), host: z.string(), error: z.string().nullable() }),
]);
export type TailEvent = z.infer<typeof TailEventSchema>;

export const runStreams = {
  /**
   * Runs `command` on the hosts, `concurrency` at a time; closing the stream stops them. `retry`:
   * forget the hosts' remembered failures first (a refused login is not tried again without it),
   * as "run again on the failed hosts" does.
   */
  'run.start': {
    params: z
      .object({
        hosts: Hosts,
        command: z.string().min(1).max(100_000),
        concurrency: z.number().int().min(1).max(200).default(10),
        timeoutS: z.number().int().min(1).max(86_400).default(600),
        retry: z.boolean().default(false),
      })
      .strict(),
    event: RunEventSchema,
    flow: false,
  },
  /** `tail -F` of one file on each host, line by line; closing the stream stops every tail. */
  'tail.open': {
    params: z.object({ hosts: Hosts, path: z.string().min(1).max(4096), lines: z.number().int().min(0).max(1000).default(20) }).strict(),
    event: TailEventSchema,
    flow: false,
  },
} as const satisfies Record<string, StreamDef>;
