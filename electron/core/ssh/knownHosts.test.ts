// known_hosts parsing and lookup, checked against OpenSSH's own ssh-keygen where it has an answer
// (fingerprints, hashing with -H, finding a hashed host with -F).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryMatches, fingerprint, formatEntry, hashHostName, keyTypeOf, lookup, parseKnownHosts } from './knownHosts';

let dir: string;
let keyA: { type: string; base64: string; blob: Buffer; pub: string };
let keyB: typeof keyA;

function generate(name: string): typeof keyA {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  const [type, base64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/) as [string, string];
  return { type, base64, blob: Buffer.from(base64, 'base64'), pub: `${path}.pub` };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knownhosts-'));
  keyA = generate('a');
  keyB = generate('b');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprint', () => {
  it('equals ssh-keygen -lf', () => {
    const printed = execFileSync('ssh-keygen', ['-lf', keyA.pub], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint(keyA.blob)).toBe(printed);
    expect(fingerprint(keyA.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(keyA.blob)).toBe('ssh-ed25519');
    expect(() => keyTypeOf(Buffer.from([0, 0, 0, 9, 1]))).toThrow(/malformed/);
  });
});

describe('parseKnownHosts', () => {
  it('reads host lists, markers and line numbers, and skips comments and broken lines', () => {
    const text = [
      '# comment',
      '',
      `web-1,10.0.0.1 ${keyA.type} ${keyA.base64} laptop`,
      'broken-line-without-key',
      `@revoked * ${keyB.type} ${keyB.base64}`,
      `@weird host ${keyB.type} ${keyB.base64}`,
      `@cert-authority *.example.com ${keyB.type} ${keyB.base64}`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/f');
    expect(entries.map((e) => [e.line, e.marker, e.patterns])).toEqual([
      [3, null, ['web-1', '10.0.0.1']],
      [5, 'revoked', ['*']],
      [7, 'cert-authority', ['*.example.com']],
    ]);
    expect(entries[0]?.key.equals(keyA.blob)).toBe(true);
  });
});

describe('lookup', () => {
  const at = (text: string) => parseKnownHosts(text, '/kh');

  it('uses [host]:port for ports other than 22 and the bare name for 22', () => {
    const entries = at(`[127.0.0.5]:2222 ${keyA.type} ${keyA.base64}\nexample.org ${keyA.type} ${keyA.base64}`);
    expect(lookup(entries, '127.0.0.5', 2222, keyA.type, keyA.base64).verdict).toBe('known');
    expect(lookup(entries, '127.0.0.5', 22, keyA.type, keyA.base64).verdict).toBe('unknown');
    expect(lookup(entries, 'EXAMPLE.org', 22, keyA.type, keyA.base64).verdict).toBe('known');
    expect(lookup(entries, 'example.org', 2222, keyA.type, keyA.base64).verdict).toBe('unknown');
  });

  it('reports a different key of the same type as changed, pointing at file and line', () => {
    const entries = at(`# x\n[h]:2222 ${keyA.type} ${keyA.base64}`);
    expect(lookup(entries, 'h', 2222, keyB.type, keyB.base64)).toEqual({
      verdict: 'changed',
      known: [{ file: '/kh', line: 2, fingerprint: fingerprint(keyA.blob) }],
    });
  });

  it('treats a key type the host has no entry for as unknown, listing the other keys', () => {
    const entries = at(`h ssh-rsa ${keyA.base64}`);
    const result = lookup(entries, 'h', 22, keyB.type, keyB.base64);
    expect(result.verdict).toBe('unknown');
    expect(result.known).toHaveLength(1);
  });

  it('matches * and ? wildcards, and a negation excludes a host the wildcard would match', () => {
    const entries = at(`*.prod.example,!db-?.prod.example,[10.1.?.*]:2200 ${keyA.type} ${keyA.base64}`);
    const verdict = (host: string, port = 22) => lookup(entries, host, port, keyA.type, keyA.base64).verdict;
    expect(verdict('web-1.prod.example')).toBe('known');
    expect(verdict('db-1.prod.example')).toBe('unknown');
    expect(verdict('db-12.prod.example')).toBe('known'); // ? is exactly one character
    expect(verdict('10.1.2.77', 2200)).toBe('known');
    expect(verdict('10.1.22.77', 2200)).toBe('unknown');
    expect(verdict('prod.example')).toBe('unknown');
  });

  it('refuses a revoked key even when it is also listed as known', () => {
    const entries = at(`h ${keyA.type} ${keyA.base64}\n@revoked h,other ${keyA.type} ${keyA.base64}`);
    const result = lookup(entries, 'h', 22, keyA.type, keyA.base64);
    expect(result.verdict).toBe('revoked');
    expect(result.known.map((k) => k.line)).toEqual([2]);
    // A revocation of another key does not touch this one.
    expect(lookup(at(`h ${keyA.type} ${keyA.base64}\n@revoked h ${keyB.type} ${keyB.base64}`), 'h', 22, keyA.type, keyA.base64).verdict).toBe('known');
  });

  it('ignores @cert-authority lines', () => {
    const entries = at(`@cert-authority h ${keyA.type} ${keyA.base64}`);
    expect(lookup(entries, 'h', 22, keyA.type, keyA.base64).verdict).toBe('unknown');
    expect(lookup(entries, 'h', 22, keyB.type, keyB.base64).verdict).toBe('unknown');
  });
});

describe('hashed names', () => {
  it('reads a file hashed by ssh-keygen -H', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `[127.0.0.9]:2222 ${keyA.type} ${keyA.base64}\nplain.example ${keyB.type} ${keyB.base64}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(entries.every((e) => e.hashed !== null)).toBe(true);
    expect(lookup(entries, '127.0.0.9', 2222, keyA.type, keyA.base64).verdict).toBe('known');
    expect(lookup(entries, '127.0.0.9', 2222, keyB.type, keyB.base64).verdict).toBe('changed');
    expect(lookup(entries, '127.0.0.9', 22, keyA.type, keyA.base64).verdict).toBe('unknown');
    expect(lookup(entries, 'plain.example', 22, keyB.type, keyB.base64).verdict).toBe('known');
  });

  it('writes hashed lines that ssh-keygen -F finds', () => {
    const file = join(dir, 'ours');
    writeFileSync(file, `${formatEntry('127.0.0.9', 2222, keyA.blob, true)}\n`);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.9]:2222', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(keyA.base64);
    const [entry] = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(entry && entryMatches(entry, '127.0.0.9', 2222)).toBe(true);
  });

  it('keys the HMAC by the decoded salt', () => {
    const salt = Buffer.alloc(20, 7);
    const [, , s, h] = hashHostName('host', salt).split('|');
    expect(Buffer.from(s ?? '', 'base64').equals(salt)).toBe(true);
    expect(h).toHaveLength(28);
  });
});
