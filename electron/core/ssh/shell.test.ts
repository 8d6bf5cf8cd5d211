import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { raw, remotePath, sh, shellQuote } from './shell';

// Checked against the real /bin/sh: what the shell hands printf must be the value, byte for byte.

/** The arguments the shell sees when it runs `printf '%s\0' <command words>`, split at NUL. */
function wordsOf(words: string, env: Record<string, string> = {}): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${words}`], { encoding: 'utf8', env });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('passes every byte but NUL through a real shell as one word', () => {
    const all = Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1));
    for (const c of all) expect(wordsOf(shellQuote(`a${c}b`))).toEqual([`a${c}b`]);
    expect(wordsOf(shellQuote(all.join('')))).toEqual([all.join('')]);
  });

  it('keeps quotes, newlines, substitutions and globs literal', () => {
    const values = ["it's", "'", "''", 'a b', '$HOME', '`id`', '$(touch /tmp/fleetdeck-quote-test)', '"x"', "'; rm -rf /tmp/nothing; '", 'a\nb', '*', '', '\\', '-n', '~'];
    expect(wordsOf(values.map(shellQuote).join(' '))).toEqual(values);
  });

  it('refuses a NUL byte, which no shell argument can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('sh', () => {
  it('quotes every value, writes whole numbers as they are and ShellText unquoted', () => {
    const name = '$(touch x)';
    expect(sh`ln -s shared/${name} ${['a b', "c'd"]} -n ${20} ${raw('"$PWD"')}`).toBe(`ln -s shared/'$(touch x)' 'a b' 'c'\\''d' -n 20 "$PWD"`);
    expect(wordsOf(sh`${'a b'}${"c'd"} x/${'$y'}`)).toEqual(["a bc'd", 'x/$y']);
    expect(() => sh`head -n ${1.5}`).toThrow(/whole number/);
  });
});

describe('remotePath', () => {
  it('expands ~/ to the remote home only', () => {
    expect(wordsOf(String(remotePath("~/my log's.txt")), { HOME: '/h' })).toEqual(["/h/my log's.txt"]);
    expect(String(remotePath('/var/log/syslog'))).toBe("'/var/log/syslog'");
    expect(wordsOf(String(remotePath('~/$(id)')), { HOME: '/h' })).toEqual(['/h/$(id)']);
  });
});
