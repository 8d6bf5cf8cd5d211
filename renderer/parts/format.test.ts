import { describe, expect, it } from 'vitest';
import { baseName, compactNumber, describeProblem, formatClock, lastGoodVersionNote, plural, since } from './format';

describe('format', () => {
  it('writes local times as HH:MM:SS', () => {
    expect(formatClock(new Date(2025, 0, 2, 9, 5, 3).getTime())).toBe('09:05:03');
    expect(formatClock(new Date(2025, 0, 2, 23, 59, 59).getTime())).toBe('23:59:59');
  });

  it('takes the file name of POSIX and Windows paths', () => {
    expect(baseName('/srv/ops/fleet.yaml')).toBe('fleet.yaml');
    expect(baseName('C:\\ops\\fleet.yaml')).toBe('fleet.yaml');
    expect(baseName('fleet.yaml')).toBe('fleet.yaml');
  });

  it('points at the line and column, or at the file when the problem has no place', () => {
    const problem = { file: '/srv/fleet.yaml', line: 12, column: 7, message: 'YAML syntax: bad indentation' };
    expect(describeProblem(problem)).toBe('fleet.yaml line 12, column 7: YAML syntax: bad indentation');
    expect(describeProblem({ file: '/home/u/.ssh/config', line: 4, column: 0, message: 'Port x' })).toBe('config line 4: Port x');
    expect(describeProblem({ ...problem, line: 0, column: 0, message: 'the file does not exist (yet)' })).toBe(
      'fleet.yaml: the file does not exist (yet)',
    );
  });

  it('says which version is shown', () => {
    expect(lastGoodVersionNote(new Date(2025, 0, 2, 14, 3, 9).getTime())).toBe('showing the last good version (loaded 14:03:09)');
  });

  it('counts', () => {
    expect(plural(1, 'host')).toBe('1 host');
    expect(plural(0, 'host')).toBe('0 hosts');
  });

  it('says how long ago, briefly', () => {
    expect(since(0, 12_000)).toBe('12 s');
    expect(since(0, 5 * 60_000)).toBe('5 min');
    expect(since(0, 3 * 3600_000)).toBe('3 h');
    expect(since(0, 3 * 86400_000)).toBe('3 d');
  });

  it('writes chart numbers compactly', () => {
    expect(compactNumber(0.1234)).toBe('0.123');
    expect(compactNumber(42.42)).toBe('42.4');
    expect(compactNumber(1234)).toBe('1234');
    expect(compactNumber(123_456)).toBe('123k');
    expect(compactNumber(2_500_000)).toBe('2.50M');
  });
});
