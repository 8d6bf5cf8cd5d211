import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreFailure } from '../transport/coreApi';
import { FleetService } from './fleetService';
import { inventoryApi } from './inventoryApi';

// No fleet file: the hosts of ~/.ssh/config, and a fleet file written from the ones picked.

let home: string;
let fleet: FleetService;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-invapi-'));
  fs.mkdirSync(path.join(home, '.ssh'));
  fs.writeFileSync(
    path.join(home, '.ssh', 'config'),
    `Host web-1 web-2
  HostName %h.example.com
  User deploy
Host db
  HostName 10.0.0.5
  Port 2222
  IdentityFile ~/.ssh/db_key
  ProxyJump bastion
Match user root
  Port 1
Host *
  ServerAliveInterval 30
`,
  );
  fleet = new FleetService(null, { home });
});
afterEach(() => {
  fleet.dispose();
  fs.rmSync(home, { recursive: true, force: true });
});

const api = () => inventoryApi({ fleet, home, configDir: path.join(home, '.config', 'Fleetdeck') });

describe('inventory api', () => {
  it('lists the hosts of ~/.ssh/config with its notes', async () => {
    const result = await api().requests['inventory.sshConfigHosts']({});
    expect(result.file).toBe(path.join(home, '.ssh', 'config'));
    expect(result.defaultFleetFile).toBe(path.join(home, '.config', 'Fleetdeck', 'fleet.yaml'));
    expect(result.hosts.map((h) => `${h.name} ${h.user}@${h.address}:${h.port}`)).toEqual([
      'web-1 deploy@web-1.example.com:22',
      `web-2 deploy@web-2.example.com:22`,
      `db ${os.userInfo().username}@10.0.0.5:2222`,
    ]);
    expect(result.hosts[2]).toMatchObject({ environment: 'ssh-config', roles: ['hosts'], jump: 'bastion', identity: path.join(home, '.ssh/db_key') });
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'note', line: 9 })]);
  });

  it('writes a fleet file of the picked hosts, loads it, and never overwrites it', async () => {
    const written = await api().requests['inventory.writeFleetFile']({ hosts: ['web-2', 'db'] });
    const file = path.join(home, '.config', 'Fleetdeck', 'fleet.yaml');
    expect(written.path).toBe(file);
    expect(fleet.path).toBe(file);
    expect(written.snapshot).toMatchObject({ file, problem: null });
    expect(written.snapshot.hosts.map((h) => [h.name, h.address, h.port, h.user, h.identity, h.jump])).toEqual([
      ['web-2', 'web-2.example.com', 22, 'deploy', null, null],
      ['db', '10.0.0.5', 2222, os.userInfo().username, path.join(home, '.ssh/db_key'), 'bastion'],
    ]);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Written by Fleetdeck from ~\/\.ssh\/config/);
    expect(text).toContain('identity: ~/.ssh/db_key');
    expect(text).not.toContain('web-1');

    const before = fs.readFileSync(file, 'utf8');
    await expect(api().requests['inventory.writeFleetFile']({ hosts: ['web-1'] })).rejects.toThrow(/already exists; Fleetdeck does not overwrite it/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('writes out a jump host that was not picked, so that the chain still leads there', async () => {
    fs.appendFileSync(path.join(home, '.ssh', 'config'), `Host bastion\n  HostName 10.0.0.1\n  User ops\n  Port 2200\n`);
    const picked = await api().requests['inventory.writeFleetFile']({ hosts: ['db'], path: path.join(home, 'one.yaml') });
    expect(picked.snapshot.hosts.map((h) => [h.name, h.jump])).toEqual([['db', 'ops@10.0.0.1:2200']]);
    fleet.dispose();
    fleet = new FleetService(null, { home });
    // Picked too, the jump host keeps its name: it logs in as itself.
    const both = await api().requests['inventory.writeFleetFile']({ hosts: ['db', 'bastion'], path: path.join(home, 'two.yaml') });
    expect(both.snapshot.hosts.map((h) => [h.name, h.jump])).toEqual([['db', 'bastion'], ['bastion', null]]);
  });

  it('writes where --fleet pointed when that file did not exist yet', async () => {
    const target = path.join(home, 'ops', 'fleet.yaml');
    fleet.dispose();
    fleet = new FleetService(target, { home });
    expect((await api().requests['inventory.sshConfigHosts']({})).defaultFleetFile).toBe(target);
    await api().requests['inventory.writeFleetFile']({ hosts: ['web-1'], environment: 'lab' });
    expect(fleet.current.hosts.map((h) => `${h.environment}/${h.roles.join()}/${h.name}`)).toEqual(['lab/hosts/web-1']);
  });

  it('refuses hosts that are not in ~/.ssh/config and relative paths', async () => {
    const failure = await api().requests['inventory.writeFleetFile']({ hosts: ['web-1', 'ghost'] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CoreFailure);
    expect((failure as CoreFailure).message).toMatch(/^ghost: not a host of/);
    await expect(api().requests['inventory.writeFleetFile']({ hosts: ['web-1'], path: 'fleet.yaml' })).rejects.toThrow(/not an absolute path/);
    await expect(api().requests['inventory.writeFleetFile']({ hosts: ['web-1'], path: '~/.bash_login' })).rejects.toThrow(/does not end in \.yaml/);
    expect(fs.existsSync(path.join(home, '.config'))).toBe(false);
  });
});
