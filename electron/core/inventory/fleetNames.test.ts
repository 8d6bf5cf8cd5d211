import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_NAME_RULE, USER_RULE } from '../../../shared/fleet/names';
import { parseFleetFile } from './parseFleetFile';

// Host names, addresses, users and jump hosts are checked where the fleet is read: a name with a
// newline or a `*` would otherwise reach Fleetdeck's known_hosts. The error points at the place.

let home: string;
let fleetFile: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-names-'));
  fleetFile = path.join(home, 'fleet.yaml');
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function problem(text: string) {
  const result = parseFleetFile(text, fleetFile, { home });
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('names in the fleet file', () => {
  it('refuses a host name with a newline, at its line and column, saying the rule', () => {
    expect(problem('environments:\n  prod:\n    roles:\n      app: [web-1, "web-2\\n* ssh-ed25519 AAAA"]\n')).toEqual({
      file: fleetFile,
      line: 4,
      column: 20,
      message: `environments.prod.roles.app.hosts.1.name: host name "web-2\\n* ssh-ed25519 AAAA" is refused (it has "\\n"): ${HOST_NAME_RULE}.`,
    });
  });

  it('refuses a wildcard address, a user with a space, a bad jump host and a bad name under hosts:', () => {
    const env = 'environments:\n  prod:\n    roles:\n      app: [web-1]\n';
    expect(problem(`${env}hosts:\n  web-1: { address: "*" }\n`)).toMatchObject({ line: 6, column: 21, message: 'hosts.web-1.address: address "*" is refused (it has "*"): ' + HOST_NAME_RULE + '.' });
    expect(problem(`defaults:\n  user: "de ploy"\n${env}`)).toMatchObject({ line: 2, column: 9, message: `defaults.user: user "de ploy" is refused (it has " "): ${USER_RULE}.` });
    expect(problem(`${env.replace('    roles', '    jump: "ops@bastion,*"\n    roles')}`)).toMatchObject({ line: 3, message: expect.stringContaining('jump host "*" is refused') });
    expect(problem(`${env}hosts:\n  "web-1,*": { port: 22 }\n`)).toMatchObject({ line: 6, message: expect.stringContaining('host name "web-1,*" is refused (it has ",")') });
  });

  it('takes ranges and IPv6 addresses', () => {
    const result = parseFleetFile('environments:\n  prod:\n    roles:\n      app: ["app-[01:02]"]\n      db: [{ name: db-1, address: "fe80::1", user: _svc, jump: "ops@[::1]:2222" }]\n', fleetFile, { home });
    expect(result.ok).toBe(true);
  });
});

describe('names in imported files', () => {
  const importing = (spec: string): string => `imports:\n  - ${spec}\n`;

  it('refuses a host of an Ansible YAML inventory whose name holds a newline, naming the inventory', () => {
    fs.writeFileSync(path.join(home, 'inventory.yml'), 'all:\n  hosts:\n    web-1:\n    "web-2\\n* ssh-ed25519 AAAA":\n      ansible_host: 10.0.0.2\n');
    const found = problem(importing('ansible: ./inventory.yml'));
    expect(found).toMatchObject({ file: path.join(home, 'inventory.yml'), message: `host name "web-2\\n* ssh-ed25519 AAAA" is refused (it has "\\n"): ${HOST_NAME_RULE}. (imported by fleet.yaml)` });
    expect(found.line).toBeGreaterThan(0);
  });

  it('refuses an Ansible INI host whose user is a command, at its line', () => {
    fs.writeFileSync(path.join(home, 'inventory.ini'), '[web]\nweb-1\nweb-2 ansible_user="$(id)"\n');
    expect(problem(importing('ansible: ./inventory.ini'))).toMatchObject({ file: path.join(home, 'inventory.ini'), line: 3, message: expect.stringMatching(/^user "\$\(id\)" is refused/) });
  });

  it('refuses an ssh config host whose HostName is a pattern list, at its Host line', () => {
    fs.writeFileSync(path.join(home, 'ssh_config'), 'Host box1\n  HostName 10.0.0.1\nHost box2\n  HostName 10.0.0.2,*\n');
    expect(problem(importing('ssh_config: ./ssh_config'))).toMatchObject({ file: path.join(home, 'ssh_config'), line: 3, message: expect.stringMatching(/^address "10\.0\.0\.2,\*" is refused \(it has ","\)/) });
  });
});
