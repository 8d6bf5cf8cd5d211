// Secrets the user asked Fleetdeck to remember: login passwords and identity-file passphrases.
// Only when the user ticks "Remember" in the question, and only where they are safe: on the
// desktop encrypted with Electron's safeStorage (the OS keychain; see safeStorageSecrets.ts, made
// in main.ts), in browser mode in memory until the core stops. The pool tries a remembered secret
// before asking, and forgets it as soon as it is refused. Secrets are never logged, never put in
// an error message and never sent to the renderer.

/**
 * What a secret unlocks. A password belongs to user@address:port, not to the fleet's name for the
 * host: a renamed host keeps it, and a host moved to another address is never sent it. A
 * passphrase belongs to the identity file (its absolute path).
 */
export type SecretFor =
  | { kind: 'password'; user: string; address: string; port: number }
  | { kind: 'passphrase'; file: string };

/** How remembered secrets are kept, as the question's "Remember" box says it. */
export type SecretKeeping = 'encrypted' | 'memory';

export interface SecretStore {
  readonly keeping: SecretKeeping;
  /** The remembered secret, or null (also when it cannot be read: the user is asked instead). */
  get(target: SecretFor): Promise<string | null>;
  set(target: SecretFor, secret: string): Promise<void>;
  delete(target: SecretFor): Promise<void>;
  /** What secrets are remembered for (never the secrets), for the user to see and forget. */
  list(): Promise<SecretFor[]>;
}

/** One string per target, for the stores' maps. Names no secret. */
export function secretKey(target: SecretFor): string {
  if (target.kind === 'passphrase') return `passphrase ${target.file}`;
  const address = target.address.includes(':') ? `[${target.address.toLowerCase()}]` : target.address.toLowerCase();
  return `password ${target.user}@${address}:${target.port}`;
}

/** The target a secretKey() names; null for a key this version does not write. */
export function secretFromKey(key: string): SecretFor | null {
  if (key.startsWith('passphrase ')) return { kind: 'passphrase', file: key.slice('passphrase '.length) };
  // The address in brackets is an IPv6 one (it has colons itself).
  const match = /^password (.+)@(?:\[([^\]]+)\]|([^:@]+)):(\d+)$/.exec(key);
  if (!match) return null;
  return { kind: 'password', user: match[1]!, address: match[2] ?? match[3]!, port: Number(match[4]) };
}

/** What the user sees: "deploy@127.0.0.5:22" for a password, the identity file for a passphrase. */
export function secretLabel(target: SecretFor): string {
  return secretKey(target).slice(target.kind.length + 1);
}

/** Browser mode: remembered until the core stops, never written anywhere. */
export class MemorySecretStore implements SecretStore {
  readonly keeping = 'memory';
  private readonly secrets = new Map<string, string>();

  async get(target: SecretFor): Promise<string | null> {
    return this.secrets.get(secretKey(target)) ?? null;
  }

  async set(target: SecretFor, secret: string): Promise<void> {
    this.secrets.set(secretKey(target), secret);
  }

  async delete(target: SecretFor): Promise<void> {
    this.secrets.delete(secretKey(target));
  }

  async list(): Promise<SecretFor[]> {
    return [...this.secrets.keys()].flatMap((key) => secretFromKey(key) ?? []);
  }

  /** How many are remembered (tests; the secrets themselves do not leave the store). */
  get size(): number {
    return this.secrets.size;
  }

  /** So that console.log or util.inspect of the store shows no secret. */
  toJSON(): object {
    return { keeping: this.keeping, size: this.secrets.size };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MemorySecretStore { ${this.secrets.size} remembered }`;
  }
}
