import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../shared/fleet/model';
import { withoutSecrets } from './pageSnapshot';

const host = {
  name: 'web-1', address: '127.0.0.1', port: 22, user: 'deploy', environment: 'staging', roles: ['app'], labels: {},
  jump: null, identity: null, knownHosts: null, intervalMs: 10_000,
  status: [
    { monit: { port: 2812, user: 'admin', password: 'monit-secret' } },
    { haproxy: { url: 'http://stats:haproxy-secret@{address}:8404/stats;csv' } },
    { http: { url: 'http://{address}:8080/health', match: 'ok' } },
  ],
};
const snapshot: FleetSnapshot = { file: '/f.yaml', loadedAt: 1, environments: [], hosts: [host], problem: null, revision: 1 };

describe('withoutSecrets', () => {
  it('drops status passwords and URL passwords, and keeps the rest', () => {
    const sent = withoutSecrets(snapshot);
    expect(JSON.stringify(sent)).not.toContain('secret');
    expect(sent.hosts[0]!.status).toEqual([
      { monit: { port: 2812, user: 'admin' } },
      { haproxy: { url: 'http://stats@{address}:8404/stats;csv' } },
      { http: { url: 'http://{address}:8080/health', match: 'ok' } },
    ]);
    // The core's own copy still has them: it polls with them.
    expect(JSON.stringify(snapshot)).toContain('monit-secret');
  });
});
