// Everything Fleetdeck puts into a remote command passes through here. A value is single-quoted
// for a POSIX shell, so no byte of it is ever read as shell syntax: quotes, $(…), `…`, ;, |,
// newlines, globs. The `sh` template quotes every value it is given, so a command built with it
// cannot forget to quote one; shell that is meant as shell (a user's build command, a constant
// fragment) must be marked as such with raw().

/** Text that is shell already (a constant fragment, a user's own command): `sh` inserts it as is. */
export class ShellText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const raw = (text: string): ShellText => new ShellText(text);

/** Quotes a value for a POSIX shell: 'it'\''s'. A NUL byte cannot be passed to a shell at all. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a NUL byte cannot be passed to a remote shell');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export type ShellValue = string | number | ShellText | readonly (string | ShellText)[];

function quoted(value: ShellValue): string {
  if (value instanceof ShellText) return value.text;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${value} is not a whole number`);
    return String(value);
  }
  if (typeof value === 'string') return shellQuote(value);
  return value.map(quoted).join(' ');
}

/** A command with every interpolated value quoted: sh`rm -rf releases/${id}`. Whole numbers are
 * written as they are, ShellText as it is, a list as its items quoted and separated by spaces. */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? quoted(values[i]!) : ''), '');
}

/** A path for the remote shell, quoted; a leading ~/ is the remote user's home. */
export function remotePath(path: string): ShellText {
  return raw(path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path));
}
