import path from 'node:path';
import { isAlias, isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { expandHostRange } from '../../../shared/fleet/hostRange';
import { Inventory, type Located } from './ansibleModel';

// Ansible's YAML inventory: top-level groups (usually just `all`), each a map of `hosts`
// (name → vars or nothing; names may be ranges), `children` (name → group) and `vars`.

const GROUP_KEYS = new Set(['hosts', 'children', 'vars']);

/** Reads `file` into `inventory` (a new one, or the one of the folder the file is in). */
export function parseAnsibleYaml(text: string, file: string, inventory = new Inventory(file)): Inventory {
  inventory.current = file;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: unknown): number => lineOfNode(node, lines);
  const syntax = doc.errors[0];
  if (syntax) {
    inventory.error(lines.linePos(syntax.pos[0]).line, `YAML syntax: ${syntax.message.split('\n')[0]}`);
    return inventory;
  }
  if (doc.contents === null) return inventory;
  if (!isMap(doc.contents)) {
    inventory.error(1, 'an Ansible YAML inventory is a map of groups, e.g. `all: { hosts: { web1: } }`.');
    return inventory;
  }

  const vars = (node: unknown, where: string): Map<string, Located> => varsOfMap(inventory, node, where, lines, doc, file);

  const visitGroup = (name: string, node: unknown, line: number): void => {
    inventory.group(name, line);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isMap(node)) return inventory.error(line, `group ${name} should be a map with hosts, children or vars.`);
    for (const pair of (node as YAMLMap).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyLine = lineOf(pair.key);
      if (!GROUP_KEYS.has(key)) {
        // Ansible warns and skips it too.
        inventory.note(keyLine, `group ${name}: unknown key "${key}" skipped (a group has hosts, children and vars).`);
        continue;
      }
      if (key === 'vars') {
        for (const [k, v] of vars(pair.value, `${name}.vars`)) inventory.group(name, line).vars.set(k, v);
        continue;
      }
      const entries = pair.value;
      if (entries === null || (isScalar(entries) && entries.value === null)) continue;
      if (!isMap(entries)) {
        inventory.error(keyLine, `${name}.${key} should be a map (name: …), not a list or a value.`);
        continue;
      }
      for (const entry of entries.items) {
        const entryName = isScalar(entry.key) ? String(entry.key.value) : '';
        const entryLine = lineOf(entry.key);
        if (key === 'children') {
          inventory.group(name, line).children.add(entryName);
          visitGroup(entryName, entry.value, entryLine);
          continue;
        }
        let names: string[];
        try {
          names = expandHostRange(entryName);
        } catch (error) {
          inventory.error(entryLine, (error as Error).message);
          continue;
        }
        const hostVars = vars(entry.value, `host ${entryName}`);
        for (const host of names) inventory.addHost(name, host, hostVars, entryLine);
      }
    }
  };

  const plugin = doc.contents.get('plugin', true);
  if (isScalar(plugin)) {
    const name = path.basename(file);
    inventory.error(lineOf(plugin), `${name} configures the inventory plugin ${String(plugin.value)}; Fleetdeck does not run inventory plugins. Save what it finds as a file (\`ansible-inventory -i ${name} --list -y > inventory.yml\`) and import that.`);
    return inventory;
  }
  for (const pair of doc.contents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    visitGroup(name, pair.value, lineOf(pair.key));
  }
  return inventory;
}

function lineOfNode(node: unknown, lines: LineCounter): number {
  return node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? lines.linePos(node.range[0] as number).line : 0;
}

/** A YAML map of variables → name → value (as text; lists and maps as JSON). `file` is set for
 * vars files (group_vars/, host_vars/). Values tagged !vault are encrypted: left out. Aliases are
 * followed, within the same cap on aliases as the fleet file (no "billion laughs"). */
export function varsOfMap(inventory: Inventory, node: unknown, where: string, lines: LineCounter, doc: Document, file?: string): Map<string, Located> {
  const out = new Map<string, Located>();
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return out;
  if (!isMap(node)) {
    inventory.error(lineOfNode(node, lines), `${where} should be a map of variables.`, file);
    return out;
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOfNode(pair.key, lines);
    let value = pair.value as Node | null;
    if (isAlias(value)) value = (value.resolve(doc) as Node | undefined) ?? null;
    if (value?.tag === '!vault') continue;
    let text: string;
    if (value === null || isScalar(value)) text = value?.value === null || value === null ? '' : String(value.value);
    else {
      try {
        text = JSON.stringify(value.toJS(doc, { maxAliasCount: 100 }));
      } catch (error) {
        inventory.note(line, `${where}: ${key} is not read (${(error as Error).message}).`, file);
        continue;
      }
    }
    out.set(key, { value: text, line, file });
  }
  return out;
}
