import type { FleetProblem } from '../../shared/fleet/model';
import { briefDuration } from '../../shared/duration';

// How times, paths and problems read in the console. Times are local, 24-hour, to the second:
// an operator compares them with logs.

const pad = (n: number): string => String(n).padStart(2, '0');

/** ms since epoch → "HH:MM:SS" in local time. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The file name of a path, POSIX or Windows. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** "fleet.yaml line 3, column 5"; a problem with the whole file (line 0) is just the file, and
 * one whose column is not known (0: imported ssh config and Ansible files) has just the line. */
export function problemPlace(problem: FleetProblem): string {
  const column = problem.column > 0 ? `, column ${problem.column}` : '';
  const where = problem.line > 0 ? ` line ${problem.line}${column}` : '';
  return `${baseName(problem.file)}${where}`;
}

/** "fleet.yaml line 3, column 5: message". */
export function describeProblem(problem: FleetProblem): string {
  return `${problemPlace(problem)}: ${problem.message}`;
}

/** The fleet banner: the problem, and that the console keeps the last good version. */
export function lastGoodVersionNote(loadedAt: number): string {
  return `showing the last good version (loaded ${formatClock(loadedAt)})`;
}

export { agree, plural } from '../../shared/text';

/** How long ago, briefly: "12 s", "5 min", "3 h", "2 d". */
export function since(ms: number, now: number = Date.now()): string {
  return briefDuration((now - ms) / 1000);
}

/** A number for a chart axis or a table: 3 significant digits, k/M/G for big ones. */
export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100 || abs === 0) return String(Math.round(value));
  return value.toPrecision(3);
}
