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

  it('puts the hosts behind the bastion in environment "private", and the sample app on them as app "intranet"', () => {
    const priv = { bastion: { name: 'bastion-1', address: '198.18.255.2' }, hosts: [{ name: 'priv-1', address: '198.18.0.1' }] };
    const doc = parse(renderFleetYaml({ user: 'root', monitUser: 'admin', monitPassword: 'x', nodeExporter: false, hosts: hosts(1), appRepo: '/tmp/repo', private: priv }));
    expect(doc.environments.private.roles).toEqual({ bastion: [priv.bastion], web: [{ ...priv.hosts[0], jump: 'bastion-1' }] });
    expect(Object.keys(doc.apps)).toEqual(['shop', 'intranet']);
    expect(doc.apps.intranet).toMatchObject({ roles: ['web'], deploy_to: '~/apps/intranet', source: { git: '/tmp/repo', ref: 'main' }, health: { http: 'http://{address}:8080/health' } });
    expect(Object.keys(parse(renderFleetYaml({ user: 'root', monitUser: 'admin', monitPassword: 'x', nodeExporter: false, hosts: hosts(1), appRepo: '/tmp/repo' })).apps)).toEqual(['shop']);
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
