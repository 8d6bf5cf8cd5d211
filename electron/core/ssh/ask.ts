import type { SecretKeeping } from './secrets';

// What connecting to a host may ask the user, and how the answer comes back. The pool hands one
// Ask to every handshake; the QuestionBroker (questions.ts) is the one the console uses.

/**
 * What the pool may ask the user. `remember` says whether (and how) the answer can be remembered:
 * null when there is no SecretStore, and for keyboard-interactive prompts (often one-time codes).
 * `host` is the host the login is for; for a jump host's login, `hopTo` is the host it leads to.
 */
export type PoolQuestion =
  | { kind: 'host-key'; host: string; address: string; port: number; keyType: string; fingerprint: string }
  | { kind: 'passphrase'; host: string; file: string; remember: SecretKeeping | null; hopTo?: string }
  | { kind: 'password'; host: string; user: string; remember: SecretKeeping | null; hopTo?: string };
/** 'accept' for a host key, else the secret; `remember` only counts where the question offered it. */
export interface PoolAnswer {
  value: string;
  remember?: boolean;
}
/** null means "no" (or no one to ask). */
export type Ask = (question: PoolQuestion) => Promise<PoolAnswer | null>;
