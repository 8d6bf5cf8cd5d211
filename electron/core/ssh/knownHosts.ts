// OpenSSH known_hosts, read the way ssh(1) reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
//   [@revoked|@cert-authority] host-patterns key-type base64-key [comment]
// Host patterns are comma lists with * and ? wildcards and !negation, "[host]:port" for ports other
// than 22, or one hashed name "|1|salt|hmac". Pure functions over text: hostKeys.ts does the files.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface KnownHostEntry {
  file: string;
  /** 1-based, so messages can point the user at the line to delete. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** Plain patterns (lower-cased), or null when the entry is hashed. */
  patterns: string[] | null;
  hashed: { salt: Buffer; hash: Buffer } | null;
  keyType: string;
  key: Buffer;
}

export type Verdict = 'known' | 'unknown' | 'changed' | 'revoked';

export interface KnownKeyRef {
  file: string;
  line: number;
  fingerprint: string;
}

export interface LookupResult {
  verdict: Verdict;
  /**
   * The entries behind the verdict: for 'known' the matching lines, for 'changed' the lines that
   * hold the old key(s) of this type, for 'revoked' the @revoked lines, for 'unknown' the keys of
   * other types this host has (empty when the host is not listed at all).
   */
  known: KnownKeyRef[];
}

/** Lines that cannot be parsed are skipped, as ssh(1) does; a broken line must not hide the rest. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = parseLine(lines[i] ?? '', file, i + 1);
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(raw: string, file: string, line: number): KnownHostEntry | null {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return null;
  const fields = text.split(/\s+/);
  let marker: KnownHostEntry['marker'] = null;
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return null; // an unknown marker: ssh(1) skips the line too
  }
  const [hosts, keyType, keyBase64] = fields;
  if (!hosts || !keyType || !keyBase64) return null;
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length === 0) return null;
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return null;
    return { file, line, marker, patterns: null, hashed: { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') }, keyType, key };
  }
  return { file, line, marker, patterns: hosts.toLowerCase().split(',').filter(Boolean), hashed: null, keyType, key };
}

/** The name known_hosts uses for a host: "host" on port 22, "[host]:port" otherwise. */
export function hostKeyName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** "|1|salt|hmac" for name, as `ssh-keygen -H` writes it (HMAC-SHA1 keyed by the raw salt). */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

/** Whether the entry's host field names host:port (negations win over positive patterns). */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  if (entry.hashed) {
    return createHmac('sha1', entry.hashed.salt).update(name).digest().equals(entry.hashed.hash);
  }
  let positive = false;
  for (const pattern of entry.patterns ?? []) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      positive = true;
    }
  }
  return positive;
}

function globMatch(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * The verdict for the key a server offered. Revoked beats everything (a key listed as known and
 * as revoked is refused); a key of the same type that differs from every listed one is 'changed';
 * a type the host has no entry for is 'unknown', as in ssh(1), even if keys of other types exist.
 * @cert-authority lines are ignored: Fleetdeck does not do host certificates.
 */
export function lookup(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, keyBase64: string): LookupResult {
  const key = Buffer.from(keyBase64, 'base64');
  const matching = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, host, port));
  const ref = (e: KnownHostEntry): KnownKeyRef => ({ file: e.file, line: e.line, fingerprint: fingerprint(e.key) });

  const revoked = matching.filter((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked.length > 0) return { verdict: 'revoked', known: revoked.map(ref) };

  const plain = matching.filter((e) => e.marker === null);
  const same = plain.filter((e) => e.key.equals(key));
  if (same.length > 0) return { verdict: 'known', known: same.map(ref) };

  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length > 0) return { verdict: 'changed', known: sameType.map(ref) };
  return { verdict: 'unknown', known: plain.map(ref) };
}

/** "SHA256:…" as `ssh-keygen -lf` prints it: base64 of the SHA-256 of the key blob, no padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a blob names in its first field (RFC 4253 string), e.g. "ssh-ed25519". */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('host key blob is too short');
  const length = keyBlob.readUInt32BE(0);
  if (length > keyBlob.length - 4) throw new Error('host key blob is malformed');
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** What a host name or address written into known_hosts may hold. Anything else could change what
 * the line means: whitespace or a newline starts another field or line, a comma another pattern,
 * * ? ! are wildcards and negation, # a comment, [ ] the port form. */
const WRITABLE_NAME = /^[A-Za-z0-9._:-]+$/;

/** Why `value` (a host's name or address) must not be written into known_hosts (null: it may). */
export function unwritableName(value: string): string | null {
  if (WRITABLE_NAME.test(value)) return null;
  return `${JSON.stringify(value)} is not written to known_hosts: a name there holds only letters, digits and . _ - :`;
}

/** One known_hosts line for host:port, plain (readable) unless hashed is asked for. Refuses a host
 * that unwritableName refuses, so nothing given by a fleet file can add a line of its own. */
export function formatEntry(host: string, port: number, keyBlob: Buffer, hashed = false): string {
  const problem = unwritableName(host);
  if (problem) throw new Error(problem);
  const name = hostKeyName(host, port);
  return `${hashed ? hashHostName(name) : name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}
