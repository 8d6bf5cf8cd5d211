import { z } from 'zod';
import type { RequestDef, StreamDef } from './defs';

// Terminals and the questions SSH asks the user. Terminal output is flow-controlled: the renderer
// acknowledges what xterm.js has written, the core pauses the SSH channel when too much is not.

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

/**
 * How an answered secret would be remembered if the user ticks "Remember": 'encrypted' on the
 * desktop (Electron's safeStorage, the OS keychain), 'memory' in browser mode (until the core
 * stops); null when it cannot be (no keychain; keyboard-interactive prompts).
 */
const Remember = z.enum(['encrypted', 'memory']).nullable();

export const SshQuestionSchema = z.discriminatedUnion('kind', [
  z.object({ id: z.number(), kind: z.literal('host-key'), host: z.string(), address: z.string(), port: z.number(), keyType: z.string(), fingerprint: z.string() }),
  // hopTo: the login is a jump host's, on the way to that host.
  z.object({ id: z.number(), kind: z.literal('passphrase'), host: z.string(), file: z.string(), remember: Remember, hopTo: z.string().optional() }),
  z.object({ id: z.number(), kind: z.literal('password'), host: z.string(), user: z.string(), remember: Remember, hopTo: z.string().optional() }),
]);
export type SshQuestion = z.infer<typeof SshQuestionSchema>;

const Session = z.string().min(1).max(100);

export const terminalRequests = {
  'terminal.input': { input: z.object({ session: Session, data: z.string().max(1 << 20) }).strict(), output: z.null() },
  'terminal.resize': { input: z.object({ session: Session, cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }).strict(), output: z.null() },
  'recordings.list': { input: z.object({}).strict(), output: z.array(z.object({ id: z.string(), host: z.string(), startedAt: z.number(), bytes: z.number() })) },
  /** The asciicast v2 text of a recording. */
  'recordings.read': { input: z.object({ id: z.string().max(300) }).strict(), output: z.string() },
  /**
   * The answer to a question (null: refuse). Secrets go to the core only, never back. `remember`:
   * the user ticked "Remember" (only counts where the question's `remember` is not null).
   */
  'ssh.answer': { input: z.object({ id: z.number(), answer: z.string().nullable(), remember: z.boolean().optional() }).strict(), output: z.null() },
  /**
   * Forget the host's remembered failure (a refused login waits for this), so its next use
   * connects, and asks, again.
   */
  'ssh.retry': { input: z.object({ host: z.string().min(1).max(300) }).strict(), output: z.null() },
  /**
   * What remembered secrets unlock (never the secrets): `key` names one for secrets.forget,
   * `label` is "user@address:port" for a password, the identity file for a passphrase. `keeping`:
   * where they are kept, null when nothing can be remembered.
   */
  'secrets.list': {
    input: z.object({}).strict(),
    output: z.object({ keeping: Remember, secrets: z.array(z.object({ key: z.string(), kind: z.enum(['password', 'passphrase']), label: z.string() })) }),
  },
  /** Forget a remembered secret: the next login that needs it asks again. */
  'secrets.forget': { input: z.object({ key: z.string().min(1).max(5000) }).strict(), output: z.null() },
} as const satisfies Record<string, RequestDef>;

export const terminalStreams = {
  /** `record`: save the session's output as an asciicast v2 file in the console's data folder. */
  'terminal.open': {
    params: z.object({ host: z.string(), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500), record: z.boolean().default(false) }).strict(),
    event: TerminalEventSchema,
    flow: true,
  },
  /** Questions waiting for the user: a host key to accept, a passphrase, a password. */
  'ssh.questions': { params: z.object({}).strict(), event: SshQuestionSchema, flow: false },
} as const satisfies Record<string, StreamDef>;
