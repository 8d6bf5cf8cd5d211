import { z } from 'zod';
import type { RequestDef, StreamDef } from './defs';

// Terminals and their recordings (the questions SSH asks are in ssh.ts). Terminal output is
// flow-controlled: the renderer acknowledges what xterm.js has written, the core pauses the SSH
// channel when too much is not.

export const TerminalEventSchema = z.discriminatedUnion('kind', [
  /** The shell is up; `session` names it in terminal.input and terminal.resize. */
  z.object({ kind: z.literal('opened'), session: z.string(), recording: z.string().nullable() }),
  /** Output: UTF-8 bytes, batched (≤ 16 ms) and never split inside a character. Acknowledged in bytes. */
  z.object({ kind: z.literal('output'), data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes') }),
  /**
   * The shell ended or could not start, and why. `loginRefused`: the login was refused (a wrong
   * password, a refused key); the pool will not ask again until ssh.retry.
   */
  z.object({ kind: z.literal('closed'), reason: z.string(), error: z.boolean(), loginRefused: z.boolean() }),
]);
export type TerminalEvent = z.infer<typeof TerminalEventSchema>;

const Session = z.string().min(1).max(100);

export const terminalRequests = {
  'terminal.input': { input: z.object({ session: Session, data: z.string().max(1 << 20) }).strict(), output: z.null() },
  'terminal.resize': {
    input: z.object({ session: Session, cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }).strict(),
    output: z.null(),
  },
  'recordings.list': {
    input: z.object({}).strict(),
    output: z.array(z.object({ id: z.string(), host: z.string(), startedAt: z.number(), bytes: z.number() })),
  },
  /** The asciicast v2 text of a recording. */
  'recordings.read': { input: z.object({ id: z.string().max(300) }).strict(), output: z.string() },
} as const satisfies Record<string, RequestDef>;

export const terminalStreams = {
  /** `record`: save the session's output as an asciicast v2 file in the console's data folder. */
  'terminal.open': {
    params: z
      .object({ host: z.string(), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500), record: z.boolean().default(false) })
      .strict(),
    event: TerminalEventSchema,
    flow: true,
  },
} as const satisfies Record<string, StreamDef>;
