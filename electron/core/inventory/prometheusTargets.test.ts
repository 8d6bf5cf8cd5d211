import { describe, expect, it } from 'vitest';
import { FleetFileSchema, type ImportSpec } from '../../../shared/fleet/schema';
import { parseFleetFile } from './parseFleetFile';
import { targetsToHosts } from './prometheusTargets';

const URL = 'http://prom:9090';
const target = (labels: Record<string, string>) => ({ labels, health: 'up', lastError: '' });
const targets = [
  target({ instance: '10.0.0.1:9100', job: 'node', env: 'production', dc: 'fra1', hostname: 'web-1' }),
  target({ instance: '10.0.0.1:8080', job: 'shop', env: 'production', dc: 'fra1', hostname: 'web-1' }),
  target({ instance: '[fd00::2]:9100', job: 'node', env: 'staging', hostname: 'db-1' }),
  target({ instance: 'bad name:9100', job: 'node' }),
];

describe('the fleet from Prometheus', () => {
  it('makes a host of each target, labels mapped to name, environment, role and labels', () => {
    const spec: ImportSpec = { prometheus: URL, name_label: 'hostname', environment_label: 'env' };
    const { hosts, problems } = targetsToHosts(targets, spec, URL);
    expect(hosts.map((h) => [h.name, h.address, h.environment, h.roles, h.settings.labels])).toEqual([
      ['web-1', '10.0.0.1', 'production', ['node', 'shop'], { dc: 'fra1' }],
      ['db-1', 'fd00::2', 'staging', ['node'], {}],
    ]);
    expect(problems).toEqual([{ severity: 'note', file: URL, line: 0, column: 0, message: 'a target named "bad name" is not a host name Fleetdeck takes; skipped' }]);
  });

  it('takes one job, a fixed environment and role, and the labels named', () => {
    const spec: ImportSpec = { prometheus: URL, job: 'node', environment: 'lab', role_label: 'nothing', role: 'boxes', labels: ['env'] };
    const { hosts, problems } = targetsToHosts(targets.slice(0, 3), spec, URL);
    expect(hosts.map((h) => [h.name, h.environment, h.roles, h.settings.labels])).toEqual([['10.0.0.1', 'lab', ['boxes'], { env: 'production' }]]);
    // Named by its address, an IPv6 target needs a name_label: "fd00::2" is no host name.
    expect(problems.map((p) => p.message)).toEqual(['a target named "fd00::2" is not a host name Fleetdeck takes; skipped']);
  });

  it('is an import like the others in the fleet file, with its own keys only', () => {
    expect(FleetFileSchema.safeParse({ imports: [{ prometheus: URL, job: 'node' }] }).success).toBe(true);
    expect(FleetFileSchema.safeParse({ imports: [{ ansible: './inv.ini', job: 'node' }] }).error?.issues[0]?.message).toBe('`job` is for a prometheus import');
    const file = '/tmp/fleet.yaml';
    const text = `imports:\n  - prometheus: ${URL}\n    environment_label: env\n    name_label: hostname\n`;
    const waiting = parseFleetFile(text, file);
    expect(waiting).toMatchObject({ ok: true, urls: [{ url: URL }], fleet: { hosts: [], notes: [{ message: expect.stringMatching(/waiting for the first answer/) }] } });
    const loaded = parseFleetFile(text, file, { remote: () => ({ targets }) });
    expect(loaded.ok && loaded.fleet.hosts.map((h) => `${h.name}@${h.address}`)).toEqual(['web-1@10.0.0.1', 'db-1@fd00::2']);
    expect(parseFleetFile(`${text}    auth: { user: fleetdeck, password: s3cret }\n`, file).urls).toEqual([{ url: URL, auth: 'fleetdeck:s3cret' }]);
    expect(parseFleetFile(text, file, { remote: () => ({ error: `Prometheus at ${URL}: refused` }) })).toMatchObject({ ok: false, problem: { message: `the import of Prometheus at ${URL}: refused` } });
  });
});
