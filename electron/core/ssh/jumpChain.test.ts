import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../shared/fleet/model';
import { parseFleetFile } from '../inventory/parseFleetFile';
import { parseJumpChain, resolveJumpChain } from './jumpChain';

// Each hop logs in as itself: its entry (a fleet file host, or an imported ~/.ssh/config Host
// block) gives its address, port, user, identity and known hosts. For the ssh config, OpenSSH's
// own `ssh -G <hop>` (the settings ssh uses when it connects to that hop) is the reference.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-jump-'));
  fs.mkdirSync(path.join(dir, '.ssh'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fleet(yaml: string): Map<string, Host> {
  const file = path.join(dir, 'fleet.yaml');
  fs.writeFileSync(file, yaml);
  const parsed = parseFleetFile(yaml, file, { home: dir });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return new Map(parsed.fleet.hosts.map((h) => [h.name, h]));
}

describe('parseJumpChain', () => {
  it('gives the user and port only where the chain writes them', () => {
    expect(parseJumpChain('ops@gw:2200, bastion,[2001:db8::1]:22')).toEqual([{ user: 'ops', host: 'gw', port: 2200 }, { host: 'bastion' }, { host: '2001:db8::1', port: 22 }]);
    expect(() => parseJumpChain('a@b@c:x')).toThrow(/is not a jump host/);
  });
});

describe('resolveJumpChain', () => {
  it("logs in to a hop that is a fleet host with that host's own address, port, user, identity and known hosts", () => {
    const hosts = fleet(`
defaults: { user: deploy, identity: /keys/deploy, known_hosts: /kh/fleet }
environments:
  production:
    jump: bastion
    roles:
      app: [app-1]
      edge: [{ name: bastion, address: 10.0.0.1 }]
hosts:
  bastion: { user: ops, port: 2200, identity: /keys/bastion, known_hosts: /kh/bastion, jump: nowhere }
`);
    const app = hosts.get('app-1')!;
    const lookup = (name: string) => hosts.get(name);
    expect(resolveJumpChain(app, lookup)).toEqual([{ name: 'bastion', address: '10.0.0.1', port: 2200, user: 'ops', identity: '/keys/bastion', knownHosts: '/kh/bastion' }]);
    // What the chain writes wins over the entry, as in ssh(1); the rest still comes from it.
    expect(resolveJumpChain({ ...app, jump: 'root@bastion:2201' }, lookup)).toEqual([{ name: 'bastion', address: '10.0.0.1', port: 2201, user: 'root', identity: '/keys/bastion', knownHosts: '/kh/bastion' }]);
  });

  it('logs in to a hop with no entry as before: the target user, identity and known hosts, port 22', () => {
    const target = { jump: 'gw.example.com,admin@10.0.0.9:2222', user: 'deploy', identity: '/keys/deploy', knownHosts: '/kh/fleet' };
    expect(resolveJumpChain(target, () => undefined)).toEqual([
      { name: 'gw.example.com', address: 'gw.example.com', port: 22, user: 'deploy', identity: '/keys/deploy', knownHosts: '/kh/fleet' },
      { name: '10.0.0.9', address: '10.0.0.9', port: 2222, user: 'admin', identity: '/keys/deploy', knownHosts: '/kh/fleet' },
    ]);
    expect(resolveJumpChain({ ...target, jump: null }, () => undefined)).toEqual([]);
  });

  it('agrees with ssh -G on a hop that has a Host block in an imported ~/.ssh/config', () => {
    const config = path.join(dir, '.ssh', 'config');
    fs.writeFileSync(
      config,
      `Host app
  HostName 10.1.0.7
  ProxyJump bastion,root@inner:2201,gw.example.com

Host bastion
  HostName 10.1.0.1
  User ops
  Port 2200
  IdentityFile ${dir}/keys/bastion
  UserKnownHostsFile ${dir}/kh/bastion

Host inner
  HostName 10.1.0.2
  IdentityFile ${dir}/keys/inner

Host gw.*
  User gateway

Host *
  User deploy
  IdentityFile ${dir}/keys/deploy
  UserKnownHostsFile ${dir}/kh/fleet
`,
    );
    const hosts = fleet(`imports:\n  - ssh_config: ${config}\n`);
    const hops = resolveJumpChain(hosts.get('app')!, (name) => hosts.get(name));
    const sshG = (hop: string): Record<string, string> => {
      const out = execFileSync('ssh', ['-G', '-F', config, hop], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const values: Record<string, string> = {};
      for (const line of out.split('\n')) {
        const [key, ...rest] = line.split(' ');
        if (key && !(key in values)) values[key] = rest.join(' ');
      }
      return values;
    };
    // ssh connects to each hop as `ssh -p <port> -l <user> <host>` when the chain writes them.
    const theirs = [sshG('bastion'), { ...sshG('inner'), user: 'root', port: '2201' }, sshG('gw.example.com')];
    expect(hops.map((h) => ({ hostname: h.address, user: h.user, port: String(h.port) }))).toEqual(
      theirs.map((s) => ({ hostname: s.hostname, user: s.user, port: s.port })),
    );
    // A hop with a Host block of its own logs in with its own key and known hosts.
    expect(hops.slice(0, 2).map((h) => [h.identity, h.knownHosts])).toEqual(theirs.slice(0, 2).map((s) => [s.identityfile, s.userknownhostsfile]));
    expect(hops[0]).toMatchObject({ name: 'bastion', identity: `${dir}/keys/bastion`, knownHosts: `${dir}/kh/bastion` });
    // A hop only patterns match is not a host of the fleet: it keeps the target's key (ssh would
    // use the patterns' IdentityFile; here they agree because `Host *` gives both the same one).
    expect(hops[2]).toMatchObject({ name: 'gw.example.com', user: 'gateway', identity: `${dir}/keys/deploy` });
  });
});
