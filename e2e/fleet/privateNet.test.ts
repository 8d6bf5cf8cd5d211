import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFleetYaml } from './fleetFile';
import { BASTION_ADDRESS, privateAddress, privateNetNames, procTcpAddress, setupCommands } from './privateNet';

describe('the private network', () => {
  it('gives private hosts 198.18.0.1 upward and keeps .254 for the bastion', () => {
    expect(privateAddress(0)).toBe('198.18.0.1');
    expect(privateAddress(252)).toBe('198.18.0.253');
    expect(() => privateAddress(253)).toThrow(RangeError);
  });

  it('names namespaces and links after the fleet dir, links within the kernel\'s 15 characters', () => {
    const a = privateNetNames('/tmp/a');
    expect(a.bastionNs).toMatch(/^fleetdeck-bastion-[0-9a-f]{8}$/);
    expect(a.privateNs).toBe(`fleetdeck-priv-${a.id}`);
    for (const link of [a.consoleLink, a.bastionLink, a.gatewayLink, a.privateLink]) expect(link.length).toBeLessThanOrEqual(15);
    expect(privateNetNames('/tmp/b').id).not.toBe(a.id);
  });

  it('gives the console only the bastion\'s /30 and an unreachable route for the rest of 198.18.0.0/15', () => {
    const n = privateNetNames('/tmp/a');
    const commands = setupCommands(n, 2).map((c) => c.join(' '));
    const rootCommands = commands.filter((c) => !c.startsWith('-n ') && !c.startsWith('netns '));
    expect(rootCommands.filter((c) => c.startsWith('addr add'))).toEqual([`addr add 198.18.255.1/30 dev ${n.consoleLink}`]);
    expect(rootCommands.filter((c) => c.startsWith('route'))).toEqual(['route add unreachable 198.18.0.0/15']);
    expect(commands).toContain(`-n ${n.bastionNs} addr add ${BASTION_ADDRESS}/30 dev ${n.bastionLink}`);
    expect(commands).toContain(`-n ${n.privateNs} addr add 198.18.0.2/24 dev ${n.privateLink}`);
    // Every address is the benchmark range's.
    for (const c of commands) for (const address of c.match(/\d+\.\d+\.\d+\.\d+/g) ?? []) expect(address.startsWith('198.1')).toBe(true);
  });

  it('reads /proc/net/tcp addresses as the kernel prints them', () => {
    expect(procTcpAddress('127.0.0.1')).toBe('0100007F');
    expect(procTcpAddress('198.18.0.1')).toBe('010012C6');
  });

  it('puts the bastion and the hosts behind it in environment "private", each with the bastion as jump', () => {
    const text = renderFleetYaml({
      user: 'root', monitUser: 'admin', monitPassword: 'pw', nodeExporter: false, hosts: [{ name: 'host-1', address: '127.0.10.1' }],
      private: { bastion: { name: 'bastion-1', address: BASTION_ADDRESS }, hosts: [{ name: 'priv-1', address: '198.18.0.1' }] },
      ownKey: ['bastion-1'],
    });
    expect(parse(text).environments.private).toEqual({
      roles: {
        bastion: [{ name: 'bastion-1', address: BASTION_ADDRESS, identity: './hosts/bastion-1/id_own_ed25519' }],
        web: [{ name: 'priv-1', address: '198.18.0.1', jump: 'bastion-1' }],
      },
    });
  });
});
