import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../shared/fleet/model';
import { FleetService } from './fleetService';
import { parseFleetFile } from './parseFleetFile';

// `imports:` in the fleet file: ~/.ssh/config and Ansible inventories under the file's own levels.

let home: string;
let fleetFile: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-imports-'));
  fs.mkdirSync(path.join(home, '.ssh'));
  fs.mkdirSync(path.join(home, 'ops'));
  fleetFile = path.join(home, 'ops', 'fleet.yaml');
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(home, rel);
  fs.writeFileSync(file, text);
  return file;
}
function parse(text: string) {
  return parseFleetFile(text, fleetFile, { home });
}
function ok(text: string) {
  const result = parse(text);
  if (!result.ok) throw new Error(`expected a fleet, got: ${JSON.stringify(result.problem)}`);
  return { ...result.fleet, files: result.files, byName: Object.fromEntries(result.fleet.hosts.map((h) => [h.name, h])) };
}

const SSH_CONFIG = 'Host box1 box2\n  User me\nHost box1\n  HostName 192.0.2.1\nHost box3\n  Port 2201\n';
const INVENTORY = '[web]\nweb[1:2] team=shop\n[db]\ndb1 ansible_host=10.0.0.5\n[production:children]\nweb\ndb\n';

describe('imports in the fleet file', () => {
  it('pulls hosts from ~/.ssh/config and an Ansible inventory, under the file’s defaults', () => {
    const sshConfig = write('.ssh/config', SSH_CONFIG);
    const inventory = write('ops/inventory.ini', INVENTORY);
    const fleet = ok(`
defaults: { port: 2222, identity: ./keys/id, labels: { owner: ops } }
imports:
  - ssh_config: ~/.ssh/config
    environment: lab
  - ansible: ./inventory.ini
environments:
  production:
    jump: bastion.example.com
    roles:
      db: { hosts: [], user: postgres }
hosts:
  web2: { labels: { canary: true } }
`);
    expect(fleet.files).toEqual([sshConfig, inventory]);
    expect(fleet.notes).toEqual([]);
    expect(fleet.environments).toEqual([
      { name: 'production', roles: ['db', 'web'] },
      { name: 'lab', roles: ['hosts'] },
    ]);
    expect(Object.keys(fleet.byName)).toEqual(['box1', 'box2', 'box3', 'web1', 'web2', 'db1']);
    // What the import says wins over the file's defaults; the defaults fill the rest.
    expect(fleet.byName.box1).toMatchObject({ address: '192.0.2.1', user: 'me', port: 2222, environment: 'lab', roles: ['hosts'], identity: path.join(home, 'ops/keys/id'), labels: { owner: 'ops' } });
    expect(fleet.byName.box3).toMatchObject({ port: 2201, address: 'box3' });
    // The file's environment and role settings apply to imported hosts of the same names.
    expect(fleet.byName.db1).toMatchObject({ address: '10.0.0.5', user: 'postgres', jump: 'bastion.example.com', environment: 'production', roles: ['db'] });
    expect(fleet.byName.web2).toMatchObject({ jump: 'bastion.example.com', labels: { owner: 'ops', team: 'shop', canary: 'true' } });
  });

  it('keeps the file’s own host on a name clash and says so', () => {
    const inventory = write('ops/inventory.ini', INVENTORY);
    const fleet = ok(`
imports: [ { ansible: inventory.ini } ]
environments:
  production: { roles: { web: [ { name: web1, address: 127.0.0.1 } ] } }
`);
    expect(fleet.byName.web1).toMatchObject({ address: '127.0.0.1', labels: {} });
    expect(fleet.notes).toEqual([{ file: inventory, line: 2, column: 0, message: expect.stringMatching(/"web1" is also in the fleet file; the fleet file's host is used/) }]);
  });

  it('stops on an error in an imported file, pointing at that file', () => {
    const sshConfig = write('.ssh/config', 'Host a\n  Port 99999\n');
    const result = parse('imports: [ { ssh_config: ~/.ssh/config } ]\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatchObject({ file: sshConfig, line: 2, message: expect.stringMatching(/Port 99999 .* \(imported by fleet\.yaml\)/) });
    expect(result.files).toEqual([sshConfig]);
  });

  it('refuses an import that names no source, or two', () => {
    const p1 = parse('imports:\n  - { environment: x }\n');
    expect(p1.ok).toBe(false);
    if (!p1.ok) expect(p1.problem).toMatchObject({ line: 2, message: expect.stringMatching(/one source/) });
    const p2 = parse('imports:\n  - { ansible: a.ini, role: web }\n');
    if (!p2.ok) expect(p2.problem.message).toMatch(/roles from the inventory/);
    else throw new Error('expected a problem');
    const p3 = parse('imports:\n  - { ansible: missing.ini }\n');
    if (!p3.ok) expect(p3.problem).toMatchObject({ file: path.join(home, 'ops/missing.ini'), message: expect.stringMatching(/does not exist/) });
    else throw new Error('expected a problem');
  });

  it('passes ssh config notes through', () => {
    write('.ssh/config', 'Host a\nMatch user root\n  Port 1\n');
    expect(ok('imports: [ { ssh_config: ~/.ssh/config } ]').notes).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/Match/) })]);
  });
});

describe('FleetService with imports', () => {
  let service: FleetService | null = null;
  afterEach(() => service?.dispose());

  it('reloads when an imported file changes', async () => {
    const inventory = write('ops/inventory.ini', '[app]\napp1\n');
    write('ops/fleet.yaml', 'imports: [ { ansible: inventory.ini, environment: staging } ]\n');
    service = new FleetService(fleetFile, { home });
    expect(service.current.hosts.map((h) => h.name)).toEqual(['app1']);
    const next = new Promise<FleetSnapshot>((resolve) => service!.onChange(resolve));
    fs.writeFileSync(inventory, '[app]\napp1\napp2\n');
    const snapshot = await next;
    expect(snapshot.hosts.map((h) => h.name)).toEqual(['app1', 'app2']);
  });

  it('reloads when a file appears in a folder that ~/.ssh/config includes', async () => {
    fs.mkdirSync(path.join(home, '.ssh', 'config.d'));
    write('.ssh/config', 'Include config.d/*\nHost first\n');
    write('ops/fleet.yaml', 'imports: [ { ssh_config: ~/.ssh/config } ]\n');
    service = new FleetService(fleetFile, { home });
    expect(service.current.hosts.map((h) => h.name)).toEqual(['first']);
    const next = new Promise<FleetSnapshot>((resolve) => service!.onChange(resolve));
    write('.ssh/config.d/new-box', 'Host new-box\n');
    expect((await next).hosts.map((h) => h.name)).toEqual(['new-box', 'first']);
  });

  it('opens a fleet file written after it started without one', () => {
    service = new FleetService(null, { home });
    expect(service.current.file).toBeNull();
    write('ops/fleet.yaml', 'environments: { lab: { roles: { hosts: [one] } } }\n');
    const snapshot = service.open(fleetFile);
    expect(snapshot).toMatchObject({ file: fleetFile, problem: null });
    expect(snapshot.hosts.map((h) => h.name)).toEqual(['one']);
  });
});
