import { describe, expect, it } from 'vitest';
import { firstMatch, groupFleet, hostMatches, searchTerms } from './fleetGroups';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const environments = [
  { name: 'staging', roles: ['app'] },
  { name: 'production', roles: ['lb', 'app', 'db'] },
];
const hosts = [
  sampleHost({ name: 'stg-app-1', environment: 'staging', address: '10.1.0.1' }),
  sampleHost({ name: 'app-01', address: '10.0.0.11', labels: { zone: 'eu-1' } }),
  sampleHost({ name: 'db-1', roles: ['db'], address: 'db-1.internal', port: 2222 }),
  sampleHost({ name: 'lb-1', roles: ['lb', 'app'], address: '10.0.0.2' }),
];
const fleet = { environments, hosts };
const names = (search: string): Record<string, Record<string, string[]>> =>
  Object.fromEntries(
    groupFleet(fleet, search).environments.map((e) => [e.name, Object.fromEntries(e.roles.map((r) => [r.role, r.hosts.map((h) => h.name)]))]),
  );

describe('groupFleet', () => {
  it('groups by environment then role in file order, each host once under its first role', () => {
    expect(names('')).toEqual({
      staging: { app: ['stg-app-1'] },
      production: { lb: ['lb-1'], app: ['app-01'], db: ['db-1'] },
    });
    const production = groupFleet(fleet, '').environments[1]!;
    expect(production).toMatchObject({ name: 'production', total: 3, matched: 3 });
  });

  it('keeps environments and roles without hosts when there is no search', () => {
    const g = groupFleet({ environments: [...environments, { name: 'dev', roles: ['app'] }], hosts }, '');
    expect(g.environments.map((e) => e.name)).toEqual(['staging', 'production', 'dev']);
    expect(g.environments[2]).toMatchObject({ total: 0, matched: 0, roles: [{ role: 'app', hosts: [], also: [] }] });
  });

  it('drops environments and roles without a match when searching, and counts matches', () => {
    expect(names('app')).toEqual({ staging: { app: ['stg-app-1'] }, production: { lb: ['lb-1'], app: ['app-01'] } });
    const g = groupFleet(fleet, 'db');
    expect(g).toMatchObject({ total: 4, matched: 1 });
    expect(g.environments[0]).toMatchObject({ name: 'production', total: 3, matched: 1 });
  });

  it('still lists a host whose environment or role the list does not name', () => {
    const orphan = sampleHost({ roles: [] });
    const g = groupFleet({ environments: [], hosts: [orphan] }, '');
    expect(g.environments).toEqual([
      { name: 'production', total: 1, matched: 1, roles: [{ role: '(no role)', hosts: [orphan], also: [] }], jump: null },
    ]);
  });

  it('names a host in its other roles too, so their counts are true', () => {
    const app = groupFleet(fleet, '').environments[1]!.roles.find((r) => r.role === 'app')!;
    expect(app.hosts.map((h) => h.name)).toEqual(['app-01']);
    expect(app.also.map((h) => h.name)).toEqual(['lb-1']);
    // A search keeps a role whose only match is listed under an earlier role.
    expect(groupFleet(fleet, 'lb-1').environments[0]!.roles.map((r) => r.role)).toEqual(['lb', 'app']);
  });

  it('hoists a jump host that every host of an environment shares', () => {
    const jumped = hosts.map((h) => ({ ...h, jump: h.environment === 'production' ? 'bastion' : null }));
    const g = groupFleet({ environments, hosts: jumped }, '');
    expect(g.environments.map((e) => e.jump)).toEqual([null, 'bastion']);
    jumped[1] = { ...jumped[1]!, jump: 'other' };
    expect(groupFleet({ environments, hosts: jumped }, '').environments[1]!.jump).toBeNull();
  });
});

describe('firstMatch', () => {
  it('opens the host named or addressed exactly, else the first match as the fleet view lists them', () => {
    // "app" matches stg-app-1, app-01 and lb-1 (by role): staging comes first in the file.
    expect(firstMatch(fleet, 'app')).toBe('stg-app-1');
    // In production, the lb role comes before app: lb-1 is listed first.
    expect(firstMatch(fleet, 'production app')).toBe('lb-1');
    expect(firstMatch(fleet, ' APP-01 ')).toBe('app-01');
    expect(firstMatch(fleet, '10.0.0.2')).toBe('lb-1');
    expect(firstMatch(fleet, 'nothing-like-it')).toBeNull();
    expect(firstMatch(fleet, '  ')).toBeNull();
  });
});

describe('hostMatches', () => {
  const host = hosts[2]!;
  it('matches name, address, address:port, role, environment, case-insensitively', () => {
    for (const q of ['DB-1', 'internal', 'db-1.internal:2222', 'db', 'production']) expect(hostMatches(host, searchTerms(q))).toBe(true);
  });
  it('matches labels as key=value or key:value', () => {
    const h = hosts[1]!;
    for (const q of ['zone', 'eu-1', 'zone=eu', 'zone:eu-1']) expect(hostMatches(h, searchTerms(q))).toBe(true);
    expect(hostMatches(h, searchTerms('zone=us'))).toBe(false);
  });
  it('needs every term to match', () => {
    expect(hostMatches(host, searchTerms('db 2222'))).toBe(true);
    expect(hostMatches(host, searchTerms('db staging'))).toBe(false);
  });
});
