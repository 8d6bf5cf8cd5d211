// Which host keys Fleetdeck trusts: the user's ~/.ssh/known_hosts (so hosts ssh(1) already knows
// just work), the host's own knownHosts file from the fleet file, and Fleetdeck's store, the only
// file Fleetdeck ever writes. A key is judged across all three at once, as ssh(1) judges several
// UserKnownHostsFile: a line listing the key anywhere makes it known, @revoked anywhere wins.
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Host } from '../../../shared/fleet/model';
import { entryMatches, fingerprint, formatEntry, keyTypeOf, lookup, parseKnownHosts, unwritableName, type KnownHostEntry, type LookupResult } from './knownHosts';

/** What verify() needs of a host; jump hops that are not in the fleet have no name or file. */
export type HostKeyTarget = Pick<Host, 'address' | 'port'> & Partial<Pick<Host, 'name' | 'knownHosts'>>;

export interface HostKeyVerdict extends LookupResult {
  keyType: string;
  fingerprint: string;
}

export interface HostKeyStoreOptions {
  /** Read only. Default ~/.ssh/known_hosts; null to ignore the user's file (tests). */
  userKnownHosts?: string | null;
  /** Fleetdeck's own known_hosts, written by accept() and forget(). */
  storeFile: string;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  entries: KnownHostEntry[];
}

export class HostKeyStore {
  private readonly userFile: string | null;
  private readonly storeFile: string;
  private readonly cache = new Map<string, CachedFile>();
  private changes = 0;

  constructor(options: HostKeyStoreOptions) {
    this.userFile = options.userKnownHosts === undefined ? join(homedir(), '.ssh', 'known_hosts') : options.userKnownHosts;
    this.storeFile = options.storeFile;
  }

  /** Grows with every accept() and forget(): the pool retries a host-key failure once it moved. */
  get generation(): number {
    return this.changes;
  }

  verify(host: HostKeyTarget, key: Buffer): HostKeyVerdict {
    const keyType = keyTypeOf(key);
    const entries = this.filesFor(host).flatMap((file) => this.read(file));
    const result = lookup(entries, host.address, host.port, keyType, key.toString('base64'));
    return { ...result, keyType, fingerprint: fingerprint(key) };
  }

  /**
   * The key types the files list for this host, so the handshake can ask for a type we can check
   * (ssh(1) orders HostKeyAlgorithms the same way); otherwise a host known by its RSA key would be
   * 'unknown' whenever the server prefers to show its ed25519 key.
   */
  knownKeyTypes(host: HostKeyTarget): string[] {
    const entries = this.filesFor(host).flatMap((file) => this.read(file));
    const types = entries.filter((e) => e.marker === null && entryMatches(e, host.address, host.port)).map((e) => e.keyType);
    return [...new Set(types)];
  }

  /**
   * Trusts key for host from now on, in Fleetdeck's store. Only an unknown key can be accepted:
   * a changed or revoked one must first be removed where it is listed (forget() for Fleetdeck's
   * store, an editor for the other files), so that one click can never paper over a MITM warning.
   */
  accept(host: HostKeyTarget, key: Buffer): void {
    const verdict = this.verify(host, key);
    if (verdict.verdict === 'known') return;
    if (verdict.verdict !== 'unknown') {
      const where = verdict.known.map((k) => `${k.file} line ${k.line}`).join(', ');
      throw new Error(`Will not accept ${verdict.fingerprint} for ${host.address}:${host.port}: that host's key is ${verdict.verdict} (${where}). Remove the old entry first.`);
    }
    const badName = host.name !== undefined ? unwritableName(host.name) : null;
    if (badName) throw new Error(`Will not accept ${verdict.fingerprint} for host ${badName}.`);
    const entry = formatEntry(host.address, host.port, key);
    mkdirSync(dirname(this.storeFile), { recursive: true, mode: 0o700 });
    // The comment records who added the line and for which fleet host, for whoever reads the file.
    const comment = `fleetdeck${host.name ? `:${host.name}` : ''}@${new Date().toISOString()}`;
    appendFileSync(this.storeFile, `${entry} ${comment}\n`, { mode: 0o600 });
    this.changes++;
  }

  /** Removes Fleetdeck's own entries for host (never touches the other files). Returns how many. */
  forget(host: HostKeyTarget): number {
    let text: string;
    try {
      text = readFileSync(this.storeFile, 'utf8');
    } catch {
      return 0;
    }
    const drop = new Set(
      parseKnownHosts(text, this.storeFile)
        .filter((e) => e.marker === null && entryMatches(e, host.address, host.port))
        .map((e) => e.line),
    );
    if (drop.size === 0) return 0;
    const kept = text.split(/\r?\n/).filter((_, i) => !drop.has(i + 1));
    // Temp file + rename: a crash mid-write must not lose the keys of every other host.
    const tmp = `${this.storeFile}.${process.pid}.tmp`;
    writeFileSync(tmp, kept.join('\n'), { mode: 0o600 });
    renameSync(tmp, this.storeFile);
    this.changes++;
    return drop.size;
  }

  private filesFor(host: HostKeyTarget): string[] {
    const files = [this.userFile, host.knownHosts ?? null, this.storeFile].filter((f): f is string => f !== null);
    return [...new Set(files)];
  }

  /** Parsed once per change on disk: verify() runs on every handshake, files change rarely. */
  private read(file: string): KnownHostEntry[] {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      this.cache.delete(file);
      return []; // a missing file lists nothing, as for ssh(1)
    }
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.entries;
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, entries });
    return entries;
  }
}
