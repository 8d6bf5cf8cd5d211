import path from 'node:path';
import type { ImportProblem } from '../../../shared/fleet/imported';

// An Ansible inventory as both of its formats (INI, YAML) describe it: groups with hosts,
// children and vars, each remembered with the line that gave it so errors can point there.

export interface Located {
  value: string;
  line: number;
  /** The file that set it, when not the inventory itself (group_vars/, host_vars/). */
  file?: string | undefined;
}

export interface InventoryGroup {
  name: string;
  /** Host names listed directly in the group (ranges already expanded). */
  hosts: Set<string>;
  children: Set<string>;
  vars: Map<string, Located>;
  line: number;
}

export interface InventoryHost {
  name: string;
  vars: Map<string, Located>;
  /** Where the host is first named. */
  file: string;
  line: number;
}

export class Inventory {
  readonly groups = new Map<string, InventoryGroup>();
  readonly hosts = new Map<string, InventoryHost>();
  readonly problems: ImportProblem[] = [];
  /** Vars from group_vars/ and host_vars/ beside the inventory, which outrank the inventory's own. */
  readonly groupFileVars = new Map<string, Map<string, Located>>();
  readonly hostFileVars = new Map<string, Map<string, Located>>();
  /** Every file read besides the inventory (vars files), for the watcher. */
  readonly varsFiles: string[] = [];

  /** The file being read: the inventory itself, or one file of an inventory folder. */
  current: string;

  /** `file`: the inventory file, or the inventory folder; `varsDir`: where group_vars/ and
   * host_vars/ are looked for (beside a file, inside a folder). */
  constructor(
    readonly file: string,
    readonly varsDir: string = path.dirname(file),
  ) {
    this.current = file;
  }

  group(name: string, line: number): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, hosts: new Set(), children: new Set(), vars: new Map(), line };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Adds a host to a group; vars given in several places merge, the later winning as in Ansible. */
  addHost(groupName: string, name: string, vars: Map<string, Located>, line: number): void {
    this.group(groupName, line).hosts.add(name);
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: new Map(), file: this.current, line };
      this.hosts.set(name, host);
    }
    for (const [key, value] of vars) host.vars.set(key, value);
  }

  error(line: number, message: string, file = this.current): void {
    this.problems.push({ severity: 'error', file, line, column: 0, message });
  }

  note(line: number, message: string, file = this.current): void {
    this.problems.push({ severity: 'note', file, line, column: 0, message });
  }
}
