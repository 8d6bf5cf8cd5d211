import { expandHostRange } from '../../../shared/fleet/hostRange';
import { Inventory, type Located } from './ansibleModel';

// Ansible's INI inventory: `[group]` sections of host lines (`name [key=value …]`, ranges like
// web[01:20].example.com, `name:port`), `[group:vars]` of key=value lines, `[group:children]`
// of group names; `#` and `;` start comments; hosts before any section are "ungrouped".

type Section = { kind: 'hosts' | 'vars' | 'children'; group: string };

/** Reads `file` into `inventory` (a new one, or the one of the folder the file is in). */
export function parseAnsibleIni(text: string, file: string, inventory = new Inventory(file)): Inventory {
  inventory.current = file;
  let section: Section = { kind: 'hosts', group: 'ungrouped' };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const header = /^\[([^\]]+)\]\s*([#;].*)?$/.exec(trimmed);
    if (header) {
      const [name = '', kind = 'hosts'] = header[1]!.trim().split(':');
      if (!name || (kind !== 'hosts' && kind !== 'vars' && kind !== 'children')) {
        inventory.error(line, `[${header[1]}] is not a section Ansible knows: use [group], [group:vars] or [group:children].`);
        section = { kind: 'vars', group: '\0skipped' };
        return;
      }
      section = { kind, group: name };
      inventory.group(name, line);
      return;
    }
    if (section.group === '\0skipped') return;
    if (section.kind === 'children') {
      const child = tokens(trimmed)[0] ?? '';
      inventory.group(section.group, line).children.add(child);
      inventory.group(child, line);
    } else if (section.kind === 'vars') {
      const eq = trimmed.indexOf('=');
      if (eq <= 0) return inventory.error(line, `"${trimmed}" in [${section.group}:vars] is not key=value.`);
      inventory.group(section.group, line).vars.set(trimmed.slice(0, eq).trim(), { value: unquote(trimmed.slice(eq + 1).trim()), line, file });
    } else {
      hostLine(inventory, section.group, trimmed, line);
    }
  });
  return inventory;
}

function hostLine(inventory: Inventory, group: string, text: string, line: number): void {
  const [pattern = '', ...rest] = tokens(text);
  const vars = new Map<string, Located>();
  for (const token of rest) {
    const eq = token.indexOf('=');
    if (eq <= 0) return inventory.error(line, `"${token}" after host ${pattern} is not key=value; the line is skipped.`);
    vars.set(token.slice(0, eq), { value: unquote(token.slice(eq + 1)), line, file: inventory.current });
  }
  // `name:port`, but a range's colons are inside brackets and an IPv6 address has several: only a
  // single colon outside brackets counts.
  let name = pattern;
  const colon = pattern.lastIndexOf(':');
  const outside = pattern.replace(/\[[^\]]*\]/g, '');
  if (colon > pattern.lastIndexOf(']') && outside.indexOf(':') === outside.lastIndexOf(':')) {
    name = pattern.slice(0, colon);
    vars.set('ansible_port', { value: pattern.slice(colon + 1), line, file: inventory.current });
  }
  let names: string[];
  try {
    names = expandHostRange(name);
  } catch (error) {
    return inventory.error(line, (error as Error).message);
  }
  for (const host of names) inventory.addHost(group, host, vars, line);
}

/** Splits a host line on blanks, keeping quoted values whole and stopping at a ` #` comment. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else if (ch === '#' && !started) {
      break;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/** An INI value as Ansible reads it: quotes removed, and unquoted Python literals normalised the
 * way they come out of Ansible (True → true, 1.50 → 1.5; 05 is not a number there, so it stays). */
function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  if (m) return m[2]!;
  if (value === 'True' || value === 'False') return value.toLowerCase();
  if (/^[+-]?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return String(Number(value));
  return value;
}
