// The desktop's SecretStore: remembered secrets encrypted with Electron's safeStorage (Keychain on
// macOS, DPAPI on Windows, libsecret/KWallet on Linux) into one file in the data dir. The whole
// map is one ciphertext, so the file does not even say which hosts have a remembered password.
// Electron is only a type here: main.ts passes its `safeStorage`, so the core (and browser mode)
// never loads electron.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SafeStorage } from 'electron';
import { secretFromKey, secretKey, type SecretFor, type SecretStore } from '../core/ssh/secrets';

export type SafeStorageApi = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

interface SecretFile {
  version: 1;
  secrets: Record<string, string>;
}

/**
 * The store, or null when safeStorage cannot protect secrets: no keychain at all, or on Linux the
 * "basic_text" backend, whose key is a constant built into Chromium (as good as plain text). Then
 * the desktop does not offer to remember secrets. Call after app 'ready'.
 */
export async function openSafeStorageSecrets(
  file: string,
  safeStorage: SafeStorageApi,
  platform: NodeJS.Platform = process.platform,
): Promise<SafeStorageSecretStore | null> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return null;
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') return null;
  }
  return new SafeStorageSecretStore(file, safeStorage);
}

export class SafeStorageSecretStore implements SecretStore {
  readonly keeping = 'encrypted';
  /** Writes one after another: two set()s at once must not lose one of them. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string, private readonly safeStorage: SafeStorageApi) {}

  async get(target: SecretFor): Promise<string | null> {
    await this.queue.catch(() => undefined);
    return (await this.read())[secretKey(target)] ?? null;
  }

  set(target: SecretFor, secret: string): Promise<void> {
    return this.change((secrets) => {
      secrets[secretKey(target)] = secret;
    });
  }

  delete(target: SecretFor): Promise<void> {
    return this.change((secrets) => {
      delete secrets[secretKey(target)];
    });
  }

  async list(): Promise<SecretFor[]> {
    await this.queue.catch(() => undefined);
    return Object.keys(await this.read()).flatMap((key) => secretFromKey(key) ?? []);
  }

  private change(edit: (secrets: Record<string, string>) => void): Promise<void> {
    const run = this.queue.catch(() => undefined).then(async () => {
      const secrets = await this.read();
      edit(secrets);
      await this.write(secrets);
    });
    this.queue = run;
    return run;
  }

  /** A file that is missing, or that this keychain cannot decrypt (another user, a new keyring), holds nothing. */
  private async read(): Promise<Record<string, string>> {
    let encrypted: Buffer;
    try {
      encrypted = readFileSync(this.file);
    } catch {
      return {};
    }
    try {
      const { result } = await this.safeStorage.decryptStringAsync(encrypted);
      const parsed = JSON.parse(result) as Partial<SecretFile>;
      if (parsed.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null) return {};
      return Object.fromEntries(Object.entries(parsed.secrets).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      // Which secret was in it is unknown, and no part of it may be printed: just say where.
      console.warn(`Fleetdeck: cannot decrypt the remembered secrets in ${this.file}; starting over (they will be asked for again).`);
      return {};
    }
  }

  private async write(secrets: Record<string, string>): Promise<void> {
    if (Object.keys(secrets).length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const body: SecretFile = { version: 1, secrets };
    const encrypted = await this.safeStorage.encryptStringAsync(JSON.stringify(body));
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, encrypted, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
