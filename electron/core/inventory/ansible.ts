import fs from 'node:fs';
import path from 'node:path';
import { checkImportedNames, type ImportedHost, type ImportResult } from '../../../shared/fleet/imported';
import { parseAnsibleIni } from './ansibleIni';
import { Inventory, type InventoryGroup, type Located } from './ansibleModel';
import { readVarsDirs } from './ansibleVarsDirs';
import { parseAnsibleYaml } from './ansibleYaml';
import { expandTilde } from './sshConfig';

// An Ansible inventory (INI or YAML) → fleet hosts. Groups become roles; a group named like an
// environment (production, staging, …) becomes the environment, unless the `environment` option
// names one for every host. Variables apply as Ansible applies them (all, then parents before
// children, then the host's own); ansible_host/port/user/ssh_private_key_file and a ProxyJump in
// ansible_ssh_common_args become connection settings, other variables become labels.

export interface AnsibleOptions {
  file: string;
  home: string;
  /** The environment of every host; otherwise a group named like one, else "ansible". */
  environment?: string | undefined;
}

export const ANSIBLE_ENVIRONMENT = 'ansible';
const ENVIRONMENT_NAME = /^(prod|production|live|staging|stage|stg|preprod|pre-prod|qa|uat|test|testing|dev|develop|development|sandbox|demo)$/i;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Groups that every host is in: never roles. */
const IMPLICIT = new Set(['all', 'ungrouped']);

export function readAnsibleInventory(options: AnsibleOptions): ImportResult {
  const { file } = options;
  const fail = (why: string): ImportResult => ({ hosts: [], files: [], problems: [{ severity: 'error', file, line: 0, column: 0, message: `the Ansible inventory ${file} ${why}.` }] });
  let inventory: Inventory;
  let files: string[];
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      inventory = new Inventory(file, file);
      files = [file, ...readInventoryFolder(inventory, file)];
    } else {
      inventory = new Inventory(file);
      files = [file];
      const text = readInventoryFile(file, stat);
      if (text.startsWith('#!')) {
        inventory.error(1, `${file} is a dynamic inventory script; Fleetdeck does not run it. ${EXPORT_HINT(path.basename(file))}`);
      } else {
        parseInventoryText(text, file, inventory);
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'does not exist' : `cannot be read: ${(error as Error).message}`);
  }
  readVarsDirs(inventory);
  const hosts = inventoryHosts(inventory, options);
  return checkImportedNames({ hosts, problems: inventory.problems, files: [...files, ...inventory.varsFiles] });
}

const EXPORT_HINT = (name: string): string => `Save its output as a file (\`ansible-inventory -i ${name} --list -y > inventory.yml\`) and import that.`;

function readInventoryFile(file: string, stat: fs.Stats): string {
  // A pipe or a device would block the read (and the core with it).
  if (!stat.isFile()) throw new Error('it is not a regular file');
  if (stat.size > MAX_FILE_BYTES) throw new Error('it is larger than 5 MB');
  return fs.readFileSync(file, 'utf8');
}

function parseInventoryText(text: string, file: string, inventory: Inventory): void {
  if (/\.(ya?ml|json)$/i.test(file)) parseAnsibleYaml(text, file, inventory);
  else parseAnsibleIni(text, file, inventory);
}

/** Extensions Ansible skips in an inventory folder (its INVENTORY_IGNORE_EXTS, `.ini` included). */
const FOLDER_IGNORED = /(\.(pyc|pyo|swp|bak|rpm|md|txt|rst|orig|ini|cfg|retry)|~)$/i;
const VARS_FOLDERS = new Set(['group_vars', 'host_vars']);

/** An inventory folder, as Ansible reads one: every file in it and its subfolders, in name order,
 * into one inventory; group_vars/ and host_vars/ are its vars. A script among them is skipped with
 * a note rather than stopping the rest. Returns the files and folders read. */
function readInventoryFolder(inventory: Inventory, dir: string, depth = 0): string[] {
  const read: string[] = [];
  if (depth > 8) return read;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('.') || FOLDER_IGNORED.test(entry.name)) continue;
    if (entry.isDirectory()) {
      if (depth === 0 && VARS_FOLDERS.has(entry.name)) continue;
      read.push(full, ...readInventoryFolder(inventory, full, depth + 1));
      continue;
    }
    let text: string;
    try {
      text = readInventoryFile(full, fs.statSync(full));
    } catch (error) {
      inventory.error(0, `cannot read ${full}: ${(error as Error).message}`, full);
      continue;
    }
    read.push(full);
    if (text.startsWith('#!')) {
      inventory.note(1, `a dynamic inventory script; Fleetdeck does not run it, so its hosts are left out. ${EXPORT_HINT(entry.name)}`, full);
      continue;
    }
    parseInventoryText(text, full, inventory);
  }
  return read;
}

export function inventoryHosts(inventory: Inventory, options: AnsibleOptions): ImportedHost[] {
  const parents = new Map<string, Set<string>>();
  for (const group of inventory.groups.values()) {
    for (const child of group.children) {
      if (!parents.has(child)) parents.set(child, new Set());
      parents.get(child)!.add(group.name);
    }
  }
  const depth = depths(inventory, parents);
  const out: ImportedHost[] = [];
  for (const host of inventory.hosts.values()) {
    const direct = [...inventory.groups.values()].filter((g) => g.hosts.has(host.name));
    const all = ancestors(direct.map((g) => g.name), parents);
    const envGroups = [...all].filter((g) => ENVIRONMENT_NAME.test(g));
    let environment = options.environment;
    if (!environment) {
      if (envGroups.length > 1) {
        inventory.error(host.line, `host ${host.name} is in groups of two environments (${envGroups.join(', ')}); it is skipped. Set the import's environment, or keep each host in one.`, host.file);
        continue;
      }
      environment = envGroups[0] ?? ANSIBLE_ENVIRONMENT;
    }
    const isRole = (g: string): boolean => !IMPLICIT.has(g) && !ENVIRONMENT_NAME.test(g);
    let roles = direct.map((g) => g.name).filter(isRole);
    if (roles.length === 0) roles = [...all].filter(isRole);
    if (roles.length === 0) roles = ['hosts'];

    // Ansible's order: `all` first, then by depth (parents before children), then by name.
    const groups = [...all, 'all']
      .map((name) => inventory.groups.get(name))
      .filter((g): g is InventoryGroup => g !== undefined)
      .sort((a, b) => (a.name === 'all' ? -1 : b.name === 'all' ? 1 : (depth.get(a.name) ?? 0) - (depth.get(b.name) ?? 0) || a.name.localeCompare(b.name)));
    // Then Ansible's precedence between sources: the inventory's group vars, group_vars/all,
    // group_vars/<group>, the inventory's host vars, host_vars/<host>.
    const vars = new Map<string, Located>();
    const put = (from: Map<string, Located> | undefined): void => {
      for (const [k, v] of from ?? []) vars.set(k, v);
    };
    for (const group of groups) put(group.vars);
    put(inventory.groupFileVars.get('all'));
    for (const group of groups) if (group.name !== 'all') put(inventory.groupFileVars.get(group.name));
    put(host.vars);
    put(inventory.hostFileVars.get(host.name));

    const imported = toImported(inventory, host.name, host.file, host.line, vars, options);
    if (!imported) continue;
    out.push({ ...imported, environment, roles });
  }
  return out;
}

function toImported(inventory: Inventory, name: string, file: string, line: number, vars: Map<string, Located>, options: AnsibleOptions): Omit<ImportedHost, 'environment' | 'roles'> | null {
  const get = (...keys: string[]): Located | undefined => keys.map((k) => vars.get(k)).find((v) => v !== undefined && v.value !== '');
  const host: Omit<ImportedHost, 'environment' | 'roles'> = { name, settings: {}, source: { file, line } };
  const address = get('ansible_host', 'ansible_ssh_host');
  if (address) host.address = address.value;
  const port = get('ansible_port', 'ansible_ssh_port');
  if (port) {
    const n = Number(port.value);
    if (!/^\d+$/.test(port.value) || n < 1 || n > 65535) {
      inventory.error(port.line, `port "${port.value}" of host ${name} is not a port number (1–65535); the host is skipped.`, port.file ?? file);
      return null;
    }
    host.settings.port = n;
  }
  const user = get('ansible_user', 'ansible_ssh_user');
  if (user) host.settings.user = user.value;
  const key = get('ansible_ssh_private_key_file', 'ansible_private_key_file');
  if (key) host.settings.identity = path.resolve(inventory.varsDir, expandTilde(key.value, options.home));
  const args = [get('ansible_ssh_common_args')?.value, get('ansible_ssh_extra_args')?.value].join(' ');
  const jump = /(?:-o\s*ProxyJump=|-J\s*)([^\s'"]+)/.exec(args);
  if (jump) host.settings.jump = jump[1]!;
  const labels: Record<string, string> = {};
  for (const [k, v] of vars) if (!k.startsWith('ansible_')) labels[k] = v.value;
  if (Object.keys(labels).length) host.settings.labels = labels;
  return host;
}

function ancestors(names: string[], parents: Map<string, Set<string>>): Set<string> {
  const out = new Set<string>();
  const queue = [...names];
  while (queue.length) {
    const name = queue.shift()!;
    if (out.has(name)) continue;
    out.add(name);
    for (const parent of parents.get(name) ?? []) queue.push(parent);
  }
  return out;
}

/** Distance of each group from the top (groups without parents are 1, as children of `all`). */
function depths(inventory: Inventory, parents: Map<string, Set<string>>): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (name: string, seen: Set<string>): number => {
    const known = out.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 1; // a cycle: Ansible refuses it; here it just stops counting
    seen.add(name);
    const ps = [...(parents.get(name) ?? [])].filter((p) => p !== 'all');
    const d = ps.length ? Math.max(...ps.map((p) => visit(p, seen))) + 1 : 1;
    out.set(name, d);
    return d;
  };
  for (const name of inventory.groups.keys()) visit(name, new Set());
  return out;
}
