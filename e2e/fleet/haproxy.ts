// The test fleet's load balancer: Debian's HAProxy on the production lb host's address, in front
// of the production app hosts, with its stats page (the `;csv` that Fleetdeck reads) on :8404.
import { existsSync } from 'node:fs';

export const HAPROXY_STATS_PORT = 8404;
export const HAPROXY_FRONTEND_PORT = 8080;
export const HAPROXY_BIN = '/usr/sbin/haproxy';

export interface HaproxyPlan {
  /** Host position of the lb. */
  lbPosition: number;
  backends: Array<{ name: string; address: string }>;
  /** The port the backends' health is checked on (the sample app's, or node_exporter's). */
  backendPort: number;
  /** HTTP path of the health check on that port. */
  checkPath: string;
}

export function haproxyBinary(): string {
  if (!existsSync(HAPROXY_BIN)) throw new Error(`${HAPROXY_BIN} is missing: apt-get install haproxy (or start the fleet with haproxy: false)`);
  return HAPROXY_BIN;
}

/** Fast health checks (500 ms, down after 2 failures, up after 2) so tests see changes quickly. */
export function renderHaproxyCfg(address: string, plan: HaproxyPlan): string {
  return [
    '# Written by the Fleetdeck test fleet.',
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 10s',
    '  timeout server 10s',
    'frontend stats',
    `  bind ${address}:${HAPROXY_STATS_PORT}`,
    '  stats enable',
    '  stats uri /stats',
    '  stats refresh 5s',
    'frontend web',
    `  bind ${address}:${HAPROXY_FRONTEND_PORT}`,
    '  default_backend app',
    'backend app',
    '  balance roundrobin',
    `  option httpchk GET ${plan.checkPath}`,
    '  default-server inter 500ms fall 2 rise 2',
    ...plan.backends.map((b) => `  server ${b.name} ${b.address}:${plan.backendPort} check`),
    '',
  ].join('\n');
}
