import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { remotePath, shellQuote } from './runService';

describe('shell quoting', () => {
  it('survives quotes, spaces and $ in a real shell', () => {
    for (const value of ["it's", 'a b', '$HOME', '`id`', '"x"', "'; rm -rf /tmp/nothing; '"]) {
      expect(execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
    }
  });

  it('expands ~/ to the remote home only', () => {
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${remotePath("~/my log's.txt")}`], { encoding: 'utf8', env: { HOME: '/h' } })).toBe("/h/my log's.txt");
    expect(remotePath('/var/log/syslog')).toBe("'/var/log/syslog'");
  });
});
