import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Inventory, Located } from './ansibleModel';
import { varsOfMap } from './ansibleYaml';

// group_vars/ and host_vars/ beside the inventory, as Ansible's host_group_vars plugin reads them:
// for a group or host NAME, the file NAME, NAME.yml, NAME.yaml or NAME.json, or every such file in
// the folder NAME/ (in name order, later files winning). Most real inventories keep their
// ansible_user and friends there rather than in the inventory file.

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];
const MAX_FILE_BYTES = 1024 * 1024;

export function readVarsDirs(inventory: Inventory): void {
  const dir = inventory.varsDir;
  for (const name of new Set(['all', ...inventory.groups.keys()])) {
    const vars = readVarsFor(inventory, path.join(dir, 'group_vars'), name);
    if (vars.size) inventory.groupFileVars.set(name, vars);
  }
  for (const name of inventory.hosts.keys()) {
    const vars = readVarsFor(inventory, path.join(dir, 'host_vars'), name);
    if (vars.size) inventory.hostFileVars.set(name, vars);
  }
}

function readVarsFor(inventory: Inventory, base: string, name: string): Map<string, Located> {
  const out = new Map<string, Located>();
  // A name with a slash or dots only would leave the folder: not a vars file name.
  if (name.includes('/') || name.includes('\\') || /^\.+$/.test(name) || !fs.existsSync(base)) return out;
  // Folders are watched too: a vars file added to one changes the folder's mtime.
  if (!inventory.varsFiles.includes(base)) inventory.varsFiles.push(base);
  const files: string[] = [];
  for (const ext of EXTENSIONS) {
    const candidate = path.join(base, name + ext);
    const stat = statOf(candidate);
    if (stat?.isFile()) files.push(candidate);
    else if (stat?.isDirectory() && ext === '') {
      inventory.varsFiles.push(candidate);
      for (const entry of fs.readdirSync(candidate).sort()) {
        if (EXTENSIONS.includes(path.extname(entry)) && !entry.startsWith('.') && statOf(path.join(candidate, entry))?.isFile()) files.push(path.join(candidate, entry));
      }
    }
  }
  for (const file of files) for (const [k, v] of readVarsFile(inventory, file, name)) out.set(k, v);
  return out;
}

function readVarsFile(inventory: Inventory, file: string, name: string): Map<string, Located> {
  inventory.varsFiles.push(file);
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_FILE_BYTES) throw new Error('it is larger than 1 MB');
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    inventory.error(0, `cannot read ${file}: ${(error as Error).message}`, file);
    return new Map();
  }
  if (text.startsWith('$ANSIBLE_VAULT')) {
    inventory.note(1, `encrypted with ansible-vault; its variables for ${name} are not read.`, file);
    return new Map();
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    inventory.error(lines.linePos(syntax.pos[0]).line, `YAML syntax: ${syntax.message.split('\n')[0]}`, file);
    return new Map();
  }
  return varsOfMap(inventory, doc.contents, `vars of ${name}`, lines, doc, file);
}

function statOf(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}
