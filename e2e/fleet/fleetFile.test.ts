import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFleetYaml } from './fleetFile';
import { hostAddress, hostName } from './layout';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => ({ name: hostName(i), address: hostAddress(i) }));

describe('renderFleetYaml', () => {
  it('writes defaults and roles that a YAML parser reads back', () => {
    const text = renderFleetYaml({ user: 'root', monitUser: 'admin', monitPassword: 'p"w:1', nodeExporter: true, hosts: hosts(5) });
    expect(text.startsWith('# Written by `npm run fleet -- up`')).toBe(true);
    expect(parse(text)).toEqual({
      defaults: {
        user: 'root',
        port: 2222,
        identity: './id_ed25519',
        known_hosts: './known_hosts',
        status: [{ monit: { port: 2812, user: 'admin', password: 'p"w:1' } }, { node_exporter: { port: 9100 } }],
      },
      environments: {
        staging: { roles: { app: [{ name: 'host-1', address: '127.0.10.1' }, { name: 'host-2', address: '127.0.10.2' }] } },
        production: {
          roles: {
            lb: [{ name: 'host-3', address: '127.0.10.3' }],
            app: [{ name: 'host-4', address: '127.0.10.4' }],
            db: [{ name: 'host-5', address: '127.0.10.5' }],
          },
        },
      },
    });
  });

  it('leaves out node_exporter and production when they are absent', () => {
    const doc = parse(renderFleetYaml({ user: 'yes', monitUser: 'admin', monitPassword: 'x', nodeExporter: false, hosts: hosts(1) }));
    expect(doc.defaults.user).toBe('yes'); // quoted, so not read as a boolean
    expect(doc.defaults.status).toEqual([{ monit: { port: 2812, user: 'admin', password: 'x' } }]);
    expect(Object.keys(doc.environments)).toEqual(['staging']);
  });

  it("gives a host with a key of its own that key as its identity", () => {
    const doc = parse(renderFleetYaml({ user: 'root', monitUser: 'admin', monitPassword: 'x', nodeExporter: false, hosts: hosts(1), ownKey: ['host-1'] }));
    expect(doc.environments.staging.roles.app).toEqual([{ name: 'host-1', address: '127.0.10.1', identity: './hosts/host-1/id_own_ed25519' }]);
  });

  it('lists every host exactly once', () => {
    const doc = parse(renderFleetYaml({ user: 'root', monitUser: 'admin', monitPassword: 'x', nodeExporter: true, hosts: hosts(300) }));
    const names: string[] = [];
    for (const env of Object.values(doc.environments) as Array<{ roles: Record<string, Array<{ name: string }>> }>) {
      for (const list of Object.values(env.roles)) names.push(...list.map((h) => h.name));
    }
    expect(names.sort()).toEqual(hosts(300).map((h) => h.name).sort());
  });
});
