import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAnsibleInventory } from '../../electron/core/inventory/ansible';
import { parseFleetFile } from '../../electron/core/inventory/parseFleetFile';
import { readSshConfig } from '../../electron/core/inventory/sshConfig';

// `npm run bench -- inventory --hosts N`: how long the imports take on large, real-shaped files
// (a ~/.ssh/config with a Host block per host, an Ansible INI and YAML inventory with ranges,
// children and group_vars/), each the median of several runs, and Ansible's own
// `ansible-inventory --list` on the same INI as a yardstick (it is a separate Python process, so
// its figure includes starting Python: about 0.3 s on its own).

export const INVENTORY_USAGE = `  inventory [--hosts N] [--runs R]   time the ~/.ssh/config and Ansible imports (default 5000 hosts, 7 runs)`;

export function runInventoryBench({ hosts, runs }: { hosts: number; runs: number }): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-bench-inventory-'));
  try {
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.ssh', 'config.d'), { recursive: true });
    const half = Math.floor(hosts / 2);
    const block = (i: number): string => `Host host-${i}\n  HostName 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n  Port ${2000 + (i % 100)}\n`;
    fs.writeFileSync(
      path.join(home, '.ssh', 'config'),
      `Include config.d/*.conf\n\n${Array.from({ length: half }, (_, i) => block(i)).join('\n')}\nHost *.internal host-1*\n  User ops\n\nHost *\n  User deploy\n  IdentityFile ~/.ssh/id_ed25519\n`,
    );
    fs.writeFileSync(path.join(home, '.ssh', 'config.d', 'more.conf'), Array.from({ length: hosts - half }, (_, i) => block(half + i)).join('\n'));

    const groups = 10;
    const per = Math.ceil(hosts / groups);
    const ini: string[] = [];
    const yaml: string[] = ['all:', '  children:', '    production:', '      children:'];
    for (let g = 0; g < groups; g++) {
      ini.push(`[role${g}]`, `r${g}-[1:${per}] team=t${g}`, '');
      yaml.push(`        role${g}:`, '          hosts:', `            "y${g}-[1:${per}]": { team: t${g} }`);
    }
    ini.push('[production:children]', ...Array.from({ length: groups }, (_, g) => `role${g}`));
    const inventory = path.join(dir, 'ansible', 'hosts.ini');
    fs.mkdirSync(path.join(dir, 'ansible', 'group_vars'), { recursive: true });
    fs.writeFileSync(inventory, ini.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'ansible', 'group_vars', 'production.yml'), 'ansible_user: deploy\nansible_port: 2222\n');
    const yamlFile = path.join(dir, 'ansible', 'hosts.yml');
    fs.writeFileSync(yamlFile, yaml.join('\n') + '\n');
    const fleetFile = path.join(dir, 'fleet.yaml');
    const fleetText = 'defaults: { interval: 15s }\nimports:\n  - ssh_config: ~/.ssh/config\n  - ansible: ansible/hosts.ini\n';
    fs.writeFileSync(fleetFile, fleetText);

    const median = (fn: () => number): number => {
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t = performance.now();
        const count = fn();
        times.push(performance.now() - t);
        if (count < hosts) throw new Error(`expected ${hosts} hosts, got ${count}`);
      }
      times.sort((a, b) => a - b);
      return Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
    };
    const sshMs = median(() => readSshConfig({ home }).hosts.length);
    console.log(`inventory: ~/.ssh/config, ${hosts} hosts: ${sshMs} ms`);
    const iniMs = median(() => readAnsibleInventory({ file: inventory, home }).hosts.length);
    console.log(`inventory: Ansible INI: ${iniMs} ms`);
    const yamlMs = median(() => readAnsibleInventory({ file: yamlFile, home }).hosts.length);
    console.log(`inventory: Ansible YAML: ${yamlMs} ms`);
    const fleetMs = median(() => {
      const result = parseFleetFile(fleetText, fleetFile, { home });
      if (!result.ok) throw new Error(result.problem.message);
      return result.fleet.hosts.length / 2;
    });
    console.log(`inventory: fleet file importing both: ${fleetMs} ms`);
    let ansibleMs: number | null = null;
    try {
      ansibleMs = median(() => {
        const out = execFileSync('ansible-inventory', ['-i', inventory, '--list'], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, HOME: dir, ANSIBLE_NOCOLOR: '1' } });
        return Object.keys((JSON.parse(out) as { _meta: { hostvars: object } })._meta.hostvars).length;
      });
      console.log(`inventory: ansible-inventory --list on the INI: ${ansibleMs} ms`);
    } catch (error) {
      console.log(`inventory: ansible-inventory not run (${(error as Error).message.split('\n')[0]})`);
    }
    console.log(
      JSON.stringify({
        hosts,
        runs,
        ssh_config_ms: sshMs,
        ansible_ini_ms: iniMs,
        ansible_yaml_ms: yamlMs,
        fleet_with_imports_ms: fleetMs,
        ansible_inventory_ms: ansibleMs,
      }),
    );
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
