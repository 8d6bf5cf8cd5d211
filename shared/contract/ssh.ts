import { z } from 'zod';
import type { RequestDef, StreamDef } from './defs';

// What SSH asks the user (a host key to accept, a passphrase, a password), the answers, and the
// secrets the user asked the console to remember. Terminals, runs and deploys all log in through
// the same pool, so these belong to no one of them.

/**
 * How an answered secret would be remembered if the user ticks "Remember": 'encrypted' on the
 * desktop (Electron's safeStorage, the OS keychain), 'memory' in browser mode (until the core
 * stops); null when it cannot be (no keychain; keyboard-interactive prompts).
 */
const Remember = z.enum(['encrypted', 'memory']).nullable();

const HostKeyQuestion = z.object({
  id: z.number(),
  kind: z.literal('host-key'),
  host: z.string(),
  address: z.string(),
  port: z.number(),
  keyType: z.string(),
  fingerprint: z.string(),
});

export const SshQuestionSchema = z.discriminatedUnion('kind', [
  HostKeyQuestion,
  // hopTo: the login is a jump host's, on the way to that host.
  z.object({ id: z.number(), kind: z.literal('passphrase'), host: z.string(), file: z.string(), remember: Remember, hopTo: z.string().optional() }),
  z.object({ id: z.number(), kind: z.literal('password'), host: z.string(), user: z.string(), remember: Remember, hopTo: z.string().optional() }),
]);
export type SshQuestion = z.infer<typeof SshQuestionSchema>;

const RememberedSecretSchema = z.object({ key: z.string(), kind: z.enum(['password', 'passphrase']), label: z.string() });

export const sshRequests = {
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
    output: z.object({ keeping: Remember, secrets: z.array(RememberedSecretSchema) }),
  },
  /** Forget a remembered secret: the next login that needs it asks again. */
  'secrets.forget': { input: z.object({ key: z.string().min(1).max(5000) }).strict(), output: z.null() },
} as const satisfies Record<string, RequestDef>;

export const sshStreams = {
  /** Questions waiting for the user: a host key to accept, a passphrase, a password. */
  'ssh.questions': { params: z.object({}).strict(), event: SshQuestionSchema, flow: false },
} as const satisfies Record<string, StreamDef>;
