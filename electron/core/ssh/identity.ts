import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import ssh2 from 'ssh2';
import type { Ask } from './ask';
import type { HostRef } from './errors';
import type { SecretFor, SecretStore } from './secrets';

// An identity file and its passphrase: read from disk for each handshake (the user may have
// replaced it), and unlocked with the remembered passphrase or the user's answer.

export function expandHome(path: string): string {
  return path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}

export function readIdentity(path: string): Buffer {
  const file = expandHome(path);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`Cannot read the identity file ${file}: ${(error as Error).message}. Fix "identity" in the fleet file.`);
  }
}

/**
 * The passphrase of an encrypted identity file: the remembered one if it still decrypts the key
 * (else it is forgotten), or the user's answer. undefined when the key is not encrypted, or no
 * one gave a passphrase (the key is then skipped and the next method tried). `hopTo`: the key is
 * a jump host's, on the way to that host (the question says so).
 */
export async function passphraseFor(
  ref: HostRef,
  identity: string,
  privateKey: Buffer,
  secrets: SecretStore | null,
  ask: Ask | undefined,
  hopTo?: string,
): Promise<string | undefined> {
  if (!isEncryptedKey(privateKey)) return undefined;
  const target: SecretFor = { kind: 'passphrase', file: expandHome(identity) };
  const remembered = secrets ? await secrets.get(target).catch(() => null) : null;
  if (remembered !== null) {
    if (decrypts(privateKey, remembered)) return remembered;
    await secrets?.delete(target).catch(() => undefined);
  }
  const answer = ask ? await ask({ kind: 'passphrase', host: ref.name, file: identity, remember: secrets?.keeping ?? null, ...(hopTo ? { hopTo } : {}) }).catch(() => null) : null;
  if (answer === null) return undefined;
  // Remembered only once it is known to be right: it decrypts the key.
  if (answer.remember && secrets && decrypts(privateKey, answer.value)) {
    await secrets.set(target, answer.value).catch(() => console.warn(`Fleetdeck: could not remember the passphrase of ${target.file}.`));
  }
  return answer.value;
}

/**
 * Whether the key needs a passphrase. ssh2 says so when parsing it without one; the PEM header
 * alone misses the OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`) that ssh-keygen writes
 * by default, whose cipher name is inside the base64.
 */
function isEncryptedKey(privateKey: Buffer): boolean {
  const parsed = ssh2.utils.parseKey(privateKey);
  return parsed instanceof Error && /passphrase/i.test(parsed.message);
}

function decrypts(privateKey: Buffer, passphrase: string): boolean {
  return !(ssh2.utils.parseKey(privateKey, passphrase) instanceof Error);
}
