// HostKeyStore on its own, over real files: the user's known_hosts (read only), a fleet host's own
// knownHosts file, and Fleetdeck's store (the only file it writes). Keys are real ones from
// ssh-keygen, and what the store writes is checked with ssh-keygen -F.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HostKeyChangedError, HostKeyRevokedError } from './errors';
import { HostKeyStore, type HostKeyTarget } from './hostKeys';

interface Key {
  type: string;
  base64: string;
  blob: Buffer;
  /** As `ssh-keygen -lf` prints it. */
  sha256: string;
}

let root: string;
let dir: string;
let caseNo = 0;
let keyA: Key;
let keyB: Key;
let keyEcdsa: Key;

function generate(name: string, type: 'ed25519' | 'ecdsa'): Key {
  const path = join(root, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', path]);
  const [keyType, base64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/) as [string, string];
  const sha256 = execFileSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { type: keyType, base64, blob: Buffer.from(base64, 'base64'), sha256 };
}

const line = (names: string, key: Key, marker = ''): string => `${marker ? `${marker} ` : ''}${names} ${key.type} ${key.base64}`;

/** ssh-keygen -F's answer for name in file ('' when it finds nothing: exit status 1). */
function keygenFind(name: string, file: string): string {
  try {
    return execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

const web: HostKeyTarget = { name: 'web-1', address: '127.0.135.11', port: 2222 };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hostkeys-'));
  keyA = generate('a', 'ed25519');
  keyB = generate('b', 'ed25519');
  keyEcdsa = generate('c', 'ecdsa');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
// A fresh directory per test: each starts with no store and no user file.
beforeEach(() => {
  dir = join(root, `case-${++caseNo}`);
  mkdirSync(dir);
});

function storeWith(userLines: string[] | null): { store: HostKeyStore; userFile: string; storeFile: string } {
  const userFile = join(dir, 'user_known_hosts');
  const storeFile = join(dir, 'fleetdeck', 'known_hosts');
  if (userLines) writeFileSync(userFile, `${userLines.join('\n')}\n`);
  return { store: new HostKeyStore({ userKnownHosts: userLines ? userFile : null, storeFile }), userFile, storeFile };
}

describe('HostKeyStore', () => {
  it('calls a host no file lists unknown, with the key type and the SHA256 ssh-keygen prints', () => {
    const { store } = storeWith(null);
    expect(store.verify(web, keyA.blob)).toEqual({ verdict: 'unknown', known: [], keyType: 'ssh-ed25519', fingerprint: keyA.sha256 });
    expect(store.knownKeyTypes(web)).toEqual([]);
    expect(store.generation).toBe(0);
  });

  it('remembers an accepted key in its store file, where a new store (and ssh-keygen -F) finds it', () => {
    const { store, storeFile } = storeWith(null);
    store.accept(web, keyA.blob);
    expect(store.verify(web, keyA.blob).verdict).toBe('known');
    expect(store.generation).toBe(1);

    const text = readFileSync(storeFile, 'utf8');
    expect(text).toMatch(new RegExp(`^\\[127\\.0\\.135\\.11\\]:2222 ssh-ed25519 ${keyA.base64.replace(/[+/]/g, '\\$&')} fleetdeck:web-1@\\d{4}-\\d\\d-\\d\\dT`));
    expect(statSync(storeFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'fleetdeck')).mode & 0o777).toBe(0o700);
    expect(keygenFind('[127.0.135.11]:2222', storeFile)).toContain(keyA.base64);

    // After a restart: a new store over the same file.
    const again = new HostKeyStore({ userKnownHosts: null, storeFile });
    const verdict = again.verify(web, keyA.blob);
    expect(verdict.verdict).toBe('known');
    expect(verdict.known).toEqual([{ file: storeFile, line: 1, fingerprint: keyA.sha256 }]);
    expect(again.knownKeyTypes(web)).toEqual(['ssh-ed25519']);

    // Accepting a known key again writes nothing.
    again.accept(web, keyA.blob);
    expect(readFileSync(storeFile, 'utf8')).toBe(text);
    expect(again.generation).toBe(0);
  });

  it('writes a bare name for port 22, which ssh(1) then finds without brackets', () => {
    const { store, storeFile } = storeWith(null);
    store.accept({ address: '127.0.135.12', port: 22 }, keyA.blob);
    expect(readFileSync(storeFile, 'utf8')).toMatch(/^127\.0\.135\.12 ssh-ed25519 \S+ fleetdeck@/);
    expect(keygenFind('127.0.135.12', storeFile)).toContain(keyA.base64);
    expect(store.verify({ address: '127.0.135.12', port: 2222 }, keyA.blob).verdict).toBe('unknown');
  });

  it('refuses a changed key, naming the new SHA256 and the old one with its file and line', () => {
    const { store, userFile, storeFile } = storeWith(['# laptop', line('[127.0.135.11]:2222', keyA)]);
    const verdict = store.verify(web, keyB.blob);
    expect(verdict).toEqual({ verdict: 'changed', keyType: 'ssh-ed25519', fingerprint: keyB.sha256, known: [{ file: userFile, line: 2, fingerprint: keyA.sha256 }] });

    // What the pool shows for it carries both fingerprints.
    const error = new HostKeyChangedError({ name: 'web-1', address: web.address, port: web.port }, verdict.fingerprint, verdict.known);
    expect(error.message).toContain(`now ${keyB.sha256}`);
    expect(error.message).toContain(`known ${keyA.sha256} in ${userFile} line 2`);
    // And says what to do about it, down to the line.
    expect(error.message).toContain(`delete line 2 of ${userFile}`);

    // And it cannot be accepted over the old one: the store file is not even created.
    expect(() => store.accept(web, keyB.blob)).toThrow(new RegExp(`Will not accept ${escape(keyB.sha256)} .*changed \\(${escape(userFile)} line 2\\)`));
    expect(() => statSync(storeFile)).toThrow();
    expect(store.generation).toBe(0);
    expect(store.verify(web, keyA.blob).verdict).toBe('known');
  });

  it('judges the three files together: a key in the fleet host\'s own file is known, another of its type changed', () => {
    const { store } = storeWith(null);
    const hostFile = join(dir, 'fleet_known_hosts');
    writeFileSync(hostFile, `${line('[127.0.135.11]:2222', keyA)}\n`);
    const target = { ...web, knownHosts: hostFile };
    expect(store.verify(target, keyA.blob).verdict).toBe('known');
    expect(store.verify(target, keyB.blob).verdict).toBe('changed');
    // A key of another type is unknown (as in ssh(1)), and the one it has is listed.
    const other = store.verify(target, keyEcdsa.blob);
    expect(other.verdict).toBe('unknown');
    expect(other.known.map((k) => k.fingerprint)).toEqual([keyA.sha256]);
    store.accept(target, keyEcdsa.blob);
    expect(store.knownKeyTypes(target).sort()).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    // Without the host's file only the store's entry is left.
    expect(store.knownKeyTypes(web)).toEqual(['ecdsa-sha2-nistp256']);
  });

  it('refuses a key marked @revoked in any file, even one accepted earlier, and will not accept it', () => {
    const { store, userFile } = storeWith(null);
    store.accept(web, keyA.blob);
    expect(store.verify(web, keyA.blob).verdict).toBe('known');

    writeFileSync(userFile, `${line('*', keyA, '@revoked')}\n`);
    const withUser = new HostKeyStore({ userKnownHosts: userFile, storeFile: join(dir, 'fleetdeck', 'known_hosts') });
    const verdict = withUser.verify(web, keyA.blob);
    expect(verdict).toEqual({ verdict: 'revoked', keyType: 'ssh-ed25519', fingerprint: keyA.sha256, known: [{ file: userFile, line: 1, fingerprint: keyA.sha256 }] });
    expect(new HostKeyRevokedError({ name: 'web-1', address: web.address, port: web.port }, verdict.fingerprint, verdict.known).message).toContain(`${keyA.sha256} is marked @revoked (${userFile} line 1)`);
    expect(() => withUser.accept(web, keyA.blob)).toThrow(/revoked/);
    // A revoked key is not a type the handshake should ask for.
    expect(withUser.knownKeyTypes({ address: '127.0.135.99', port: 2222 })).toEqual([]);
    // Another key of the host is not touched by the revocation.
    expect(withUser.verify(web, keyB.blob).verdict).toBe('changed');
  });

  it('reads entries hashed by ssh-keygen -H (|1|salt|hash) for [host]:port and bare names', () => {
    const { store, userFile } = storeWith([line('[127.0.135.11]:2222', keyA), line('127.0.135.13', keyB)]);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', userFile], { stdio: 'ignore' });
    const text = readFileSync(userFile, 'utf8');
    expect(text).not.toContain('127.0.135');
    expect(text.trim().split('\n').every((l) => l.startsWith('|1|'))).toBe(true);

    expect(store.verify(web, keyA.blob).verdict).toBe('known');
    expect(store.verify(web, keyB.blob)).toMatchObject({ verdict: 'changed', known: [{ file: userFile, line: 1, fingerprint: keyA.sha256 }] });
    expect(store.verify({ address: '127.0.135.11', port: 22 }, keyA.blob).verdict).toBe('unknown');
    expect(store.verify({ address: '127.0.135.13', port: 22 }, keyB.blob).verdict).toBe('known');
    expect(store.verify({ address: '127.0.135.13', port: 2222 }, keyB.blob).verdict).toBe('unknown');
    expect(store.knownKeyTypes(web)).toEqual(['ssh-ed25519']);
  });

  it('keeps [host]:port entries to their port: a bare entry is port 22 only, a port entry that port only', () => {
    const { store } = storeWith([line('127.0.135.14', keyA), line('[127.0.135.14]:2200', keyB)]);
    const at = (port: number, key: Key) => store.verify({ address: '127.0.135.14', port }, key.blob).verdict;
    expect(at(22, keyA)).toBe('known');
    expect(at(22, keyB)).toBe('changed');
    expect(at(2200, keyB)).toBe('known');
    expect(at(2200, keyA)).toBe('changed');
    expect(at(2222, keyA)).toBe('unknown');
    expect(at(2222, keyB)).toBe('unknown');
  });

  it('removes its own old key on purpose (forget), after which the new key can be accepted', () => {
    const { store, storeFile } = storeWith(null);
    const db = { name: 'db-1', address: '127.0.135.15', port: 2222 };
    store.accept(web, keyA.blob);
    store.accept(db, keyA.blob);
    store.accept(web, keyEcdsa.blob);
    expect(store.generation).toBe(3);

    // web-1 was reinstalled: a new ed25519 key.
    expect(store.verify(web, keyB.blob).verdict).toBe('changed');
    expect(store.forget(web)).toBe(2); // both of web-1's lines, every type
    expect(store.generation).toBe(4);
    expect(store.verify(web, keyB.blob).verdict).toBe('unknown');
    expect(store.verify(web, keyA.blob).verdict).toBe('unknown');
    // The other host's line is kept as it was.
    expect(store.verify(db, keyA.blob).verdict).toBe('known');
    expect(keygenFind('[127.0.135.15]:2222', storeFile)).toContain(keyA.base64);
    expect(keygenFind('[127.0.135.11]:2222', storeFile)).toBe('');
    expect(statSync(storeFile).mode & 0o777).toBe(0o600);

    store.accept(web, keyB.blob);
    expect(store.verify(web, keyB.blob).verdict).toBe('known');
    expect(new HostKeyStore({ userKnownHosts: null, storeFile }).verify(web, keyB.blob).verdict).toBe('known');
    // Nothing left to forget for a host the store never listed, nor with no store file at all.
    expect(store.forget({ address: '127.0.135.16', port: 2222 })).toBe(0);
    expect(new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'none') }).forget(web)).toBe(0);
  });

  it('never edits the user\'s known_hosts: a changed key listed there stays changed after forget', () => {
    const { store, userFile } = storeWith([line('[127.0.135.11]:2222', keyA)]);
    const before = readFileSync(userFile, 'utf8');
    expect(store.forget(web)).toBe(0);
    expect(readFileSync(userFile, 'utf8')).toBe(before);
    expect(store.verify(web, keyB.blob).verdict).toBe('changed');
  });

  it('sees a known_hosts file fixed by hand without a restart', () => {
    const { store, userFile } = storeWith([line('[127.0.135.11]:2222', keyA)]);
    expect(store.verify(web, keyB.blob).verdict).toBe('changed');
    // The user deletes the old line with an editor (ssh-keygen -R), and puts the new one in.
    execFileSync('ssh-keygen', ['-q', '-R', '[127.0.135.11]:2222', '-f', userFile], { stdio: 'ignore' });
    expect(store.verify(web, keyB.blob).verdict).toBe('unknown');
    writeFileSync(userFile, `${line('[127.0.135.11]:2222', keyB)}\n`);
    expect(store.verify(web, keyB.blob).verdict).toBe('known');
  });

  it('writes no name a fleet file could turn into a line or a pattern of its own', () => {
    const { store, storeFile } = storeWith(null);
    // Each would have trusted keyA for every host (a `*` line), or for another host, until removed by hand.
    const names = ['web\n* ssh-ed25519 AAAA', '*', 'web,*', 'web 1', 'we?b', '!web', '#web', '[web]', 'web\u0007', 'wéb'];
    for (const bad of names) {
      expect(() => store.accept({ name: 'web-1', address: bad, port: 22 }, keyA.blob)).toThrow(`${JSON.stringify(bad)} is not written to known_hosts`);
      expect(() => store.accept({ name: bad, address: '127.0.135.20', port: 22 }, keyA.blob)).toThrow(`host ${JSON.stringify(bad)} is not written to known_hosts`);
    }
    expect(() => readFileSync(storeFile, 'utf8')).toThrow(/ENOENT/);
    expect(store.verify({ address: 'other', port: 22 }, keyA.blob).verdict).toBe('unknown');
    expect(store.generation).toBe(0);
    // IPv6 addresses are written as ssh(1) writes them.
    store.accept({ name: 'v6', address: '::1', port: 2222 }, keyA.blob);
    expect(readFileSync(storeFile, 'utf8')).toMatch(/^\[::1\]:2222 ssh-ed25519 \S+ fleetdeck:v6@/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
