import type { Host } from '../../shared/fleet/model';

// Hosts for the state tests.

export function sampleHost(overrides: Partial<Host> = {}): Host {
  return {
    name: 'app-01',
    address: '10.0.0.1',
    port: 22,
    user: 'deploy',
    environment: 'production',
    roles: ['app'],
    labels: {},
    jump: null,
    identity: null,
    knownHosts: null,
    intervalMs: 10_000,
    status: [],
    ...overrides,
  };
}
