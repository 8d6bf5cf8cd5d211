import { describe, expect, it } from 'vitest';
import { parseFleetFile } from './parseFleetFile';

const FILE = '/etc/fleetdeck/fleet.yaml';

function ok(text: string) {
  const result = parseFleetFile(text, FILE);
  if (!result.ok) throw new Error(`expected a fleet, got: ${JSON.stringify(result.problem)}`);
  return result.fleet;
}
function problem(text: string) {
  const result = parseFleetFile(text, FILE);
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('parseFleetFile', () => {
  it('resolves levels, ranges and roles', () => {
    const fleet = ok(`
defaults: { user: deploy, port: 2200, interval: 15s, labels: { team: ops } }
environments:
  staging:
    roles:
      app: [stg-app-1]
  production:
    user: prod
    jump: bastion.example.com
    roles:
      lb: { hosts: [lb-1], port: 2201 }
      app: ["app-[01:03]"]
      db:
        - { name: db-1, address: 10.0.0.5, labels: { primary: true } }
hosts:
  app-02: { labels: { canary: yes } }
`);
    expect(fleet.environments).toEqual([
      { name: 'staging', roles: ['app'] },
      { name: 'production', roles: ['lb', 'app', 'db'] },
    ]);
    expect(fleet.hosts.map((h) => h.name)).toEqual(['stg-app-1', 'lb-1', 'app-01', 'app-02', 'app-03', 'db-1']);
    const byName = Object.fromEntries(fleet.hosts.map((h) => [h.name, h]));
    expect(byName['stg-app-1']).toMatchObject({ user: 'deploy', port: 2200, jump: null, intervalMs: 15_000 });
    expect(byName['lb-1']).toMatchObject({ user: 'prod', port: 2201, jump: 'bastion.example.com', roles: ['lb'] });
    expect(byName['app-02']!.labels).toEqual({ team: 'ops', canary: 'yes' });
    expect(byName['db-1']).toMatchObject({ address: '10.0.0.5', labels: { team: 'ops', primary: 'true' } });
    expect(byName['app-01']!.address).toBe('app-01');
  });

  it('merges a host named in two roles and resolves paths beside the file', () => {
    const fleet = ok(`
defaults: { identity: ./id_ed25519, known_hosts: /abs/known_hosts }
environments:
  staging: { roles: { app: [one], worker: [one] } }
`);
    expect(fleet.hosts).toHaveLength(1);
    expect(fleet.hosts[0]).toMatchObject({ roles: ['app', 'worker'], identity: '/etc/fleetdeck/id_ed25519', knownHosts: '/abs/known_hosts' });
  });

  it('pairs address ranges with name ranges', () => {
    const fleet = ok(`environments: { test: { roles: { app: [ { name: "h[1:3]", address: "127.0.10.[1:3]" } ] } } }`);
    expect(fleet.hosts.map((h) => `${h.name}=${h.address}`)).toEqual(['h1=127.0.10.1', 'h2=127.0.10.2', 'h3=127.0.10.3']);
  });

  it('points a YAML syntax error at its line', () => {
    const p = problem('environments:\n  staging:\n    roles: { app: [a, b }\n');
    expect(p.file).toBe(FILE);
    expect(p.line).toBe(3);
    expect(p.message).toMatch(/YAML syntax/);
  });

  it('points a misspelt key at the key itself', () => {
    const p = problem('environments:\n  staging:\n    roles:\n      app:\n        - name: a\n          usr: root\n');
    expect(p).toMatchObject({ line: 6, column: 11 });
    expect(p.message).toMatch(/unknown key "usr" \(did you mean "user"\?\)/);
  });

  it('hints the known key nearest to a misspelt one at each level, and none when nothing is near', () => {
    expect(problem('defaults:\n  intervall: 5s\nenvironments: { s: { roles: { app: [a] } } }\n').message).toMatch(/did you mean "interval"\?/);
    expect(problem('enviroments: { s: { roles: { app: [a] } } }\n').message).toMatch(/did you mean "environments"\?/);
    expect(problem('environments: { s: { roles: { app: [ { name: a, adress: 127.0.0.1 } ] } } }\n').message).toMatch(/did you mean "address"\?/);
    expect(problem('environments: { s: { roles: { app: [a] } } }\napps: { shop: { roles: [app], deploy_to: /srv/shop, source: { git: x }, restart: x, helth: { http: x } } }\n').message).toMatch(/did you mean "health"\?/);
    expect(problem('environments: { s: { roles: { app: [a] } } }\nzebra: 1\n').message).not.toMatch(/did you mean/);
  });

  it('points a wrong type at the value', () => {
    const p = problem('defaults:\n  port: twenty-two\nenvironments: { s: { roles: { app: [a] } } }\n');
    expect(p).toMatchObject({ line: 2, column: 9 });
    expect(p.message).toMatch(/defaults\.port/);
  });

  it("checks each status source's settings and points at the wrong one", () => {
    const p = problem('defaults:\n  status:\n    - monit: { port: 2812 }\n    - node_exporter: { prot: 9100 }\nenvironments: { s: { roles: { app: [a] } } }\n');
    expect(p).toMatchObject({ line: 4 });
    expect(p.message).toMatch(/prot/);
    const q = problem('defaults:\n  status:\n    - http: { url: "ftp://x" }\nenvironments: { s: { roles: { app: [a] } } }\n');
    expect(q).toMatchObject({ line: 3 });
    expect(q.message).toMatch(/http:\/\/ or https:\/\/ URL/);
    expect(problem('defaults:\n  status: [ { nagios: {} } ]\nenvironments: { s: { roles: { app: [a] } } }\n').message).toMatch(/one of monit, node_exporter, http, haproxy, ssh/);
  });

  it('checks apps and points at the wrong setting', () => {
    const base = 'environments: { s: { roles: { app: [a] } } }\napps:\n  shop:\n    roles: [app]\n    deploy_to: /srv/shop\n    source: { git: /srv/git/shop.git }\n';
    expect(ok(base + '    waves: [1, "50%"]\n').hosts).toHaveLength(1);
    const p = problem(base + '    waves: [1, "half"]\n');
    expect(p).toMatchObject({ line: 7 });
    expect(p.message).toMatch(/a wave is a count/);
    expect(problem(base + '    keep_releases: 1\n').message).toMatch(/keep_releases/);
  });

  it('points a bad range at its entry, in either role form', () => {
    expect(problem('environments:\n  s:\n    roles:\n      app:\n        - "app-[9:1]"\n')).toMatchObject({ line: 5 });
    const p = problem('environments:\n  s:\n    roles:\n      app:\n        hosts:\n          - ok\n          - "x[1-2]"\n');
    expect(p).toMatchObject({ line: 7 });
    expect(p.message).toMatch(/start:end/);
  });

  it('refuses a host in two environments, and settings for a host in no role', () => {
    expect(problem('environments: { a: { roles: { app: [h] } }, b: { roles: { app: [h] } } }').message).toMatch(/two environments/);
    const p = problem('environments: { a: { roles: { app: [h] } } }\nhosts:\n  ghost: { port: 1 }\n');
    expect(p).toMatchObject({ line: 3 });
    expect(p.message).toMatch(/in no role/);
  });

  it('says what a fleet file needs when it is empty or has no environments', () => {
    expect(problem('').message).toMatch(/empty/);
    expect(problem('defaults: { user: x }\n').message).toMatch(/environments: missing/);
  });

  it('refuses status sources it does not know, and bad durations', () => {
    expect(problem('defaults: { status: [ { nagios: {} } ] }\nenvironments: { a: { roles: { r: [h] } } }').message).toMatch(/monit, node_exporter/);
    expect(problem('defaults: { interval: soon }\nenvironments: { a: { roles: { r: [h] } } }').message).toMatch(/not a duration/);
  });

  it('does not expand a billion laughs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const p = problem(bomb.join('\n'));
    expect(p.message).toMatch(/alias|YAML/i);
  });

  it('inherits via like any setting, per source too, and refuses a way that is not one', () => {
    const fleet = ok(`
defaults: { via: jump }
environments:
  prod:
    roles:
      web:
        hosts:
          - { name: web-1, jump: bastion-1, status: [ { monit: { via: host } } ] }
          - { name: web-2, via: direct }
      bastion: [bastion-1]
`);
    const byName = Object.fromEntries(fleet.hosts.map((h) => [h.name, h]));
    expect(byName['web-1']).toMatchObject({ via: 'jump', status: [{ monit: { via: 'host' } }] });
    expect(byName['web-2']!.via).toBe('direct');
    expect(problem('defaults: { via: tunnel }\nenvironments: { prod: { roles: { web: [web-1] } } }').message).toMatch(/via|direct/);
    expect(problem('environments: { prod: { roles: { web: [ { name: web-1, status: [ { monit: { via: sideways } } ] } ] } } }').message).toMatch(/via|direct/);
  });
});
