import { describe, expect, it } from 'vitest';
import { clusterMap } from './clusterMap';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const snapshot = {
  environments: [{ name: 'production', roles: ['db', 'app', 'monitoring', 'lb'] }],
  hosts: [
    sampleHost({ name: 'db-1', roles: ['db'] }),
    sampleHost({ name: 'app-1', roles: ['app'] }),
    sampleHost({ name: 'app-2', roles: ['app'] }),
    sampleHost({ name: 'app-3', roles: ['app'] }),
    sampleHost({ name: 'mon-1', roles: ['monitoring'] }),
    sampleHost({ name: 'lb-1', roles: ['lb'] }),
  ],
};

describe('clusterMap', () => {
  it('orders tiers by traffic (lb, app, db, then the rest), hosts in file order', () => {
    const env = clusterMap(snapshot, '').environments[0]!;
    expect(env.tiers.map((t) => t.role)).toEqual(['lb', 'app', 'db', 'monitoring']);
    expect(env.tiers[1]!.hosts).toEqual(['app-1', 'app-2', 'app-3']);
  });

  it('narrows by search', () => {
    const map = clusterMap(snapshot, 'app-');
    expect(map.environments[0]!.tiers.filter((t) => t.hosts.length > 0).map((t) => t.role)).toEqual(['app']);
    expect(map.hosts).toEqual(['app-1', 'app-2', 'app-3']);
  });
});
