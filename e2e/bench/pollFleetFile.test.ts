import { describe, expect, it } from 'vitest';
import { parseFleetFile } from '../../electron/core/inventory/parseFleetFile';
import { renderBenchFleet } from './pollFleetFile';
import { benchPrivateAddress } from './pollPrivate';

describe('the poll bench fleet behind a bastion', () => {
  it('puts the hosts at 198.18.1.1 … (250 per /24), clear of the test fleet\'s 198.18.0.x', () => {
    expect([0, 249, 250, 999].map(benchPrivateAddress)).toEqual(['198.18.1.1', '198.18.1.250', '198.18.2.1', '198.18.4.250']);
    expect(() => benchPrivateAddress(62_500)).toThrow(RangeError);
  });

  it('gives every host the bastion as jump host, and the bastion no status sources of its own', () => {
    const bastion = { name: 'bastion-1', address: '198.18.255.2', user: 'ops', port: 2222, identity: '/f/id_ed25519', knownHosts: '/f/known_hosts' };
    const parsed = parseFleetFile(renderBenchFleet(3, 10, ['monit', 'node_exporter'], benchPrivateAddress, bastion), '/f/fleet.yaml');
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const hosts = parsed.fleet.hosts;
    expect(hosts.map((h) => [h.name, h.address, h.jump])).toEqual([
      ['bastion-1', '198.18.255.2', null],
      ['bench-0001', '198.18.1.1', 'bastion-1'],
      ['bench-0002', '198.18.1.2', 'bastion-1'],
      ['bench-0003', '198.18.1.3', 'bastion-1'],
    ]);
    expect(hosts[0]?.status).toEqual([]);
    expect(hosts[1]?.status.map((s) => Object.keys(s)[0])).toEqual(['monit', 'node_exporter']);
    expect([hosts[1]?.user, hosts[1]?.port, hosts[1]?.identity]).toEqual(['ops', 2222, '/f/id_ed25519']);
  });
});
