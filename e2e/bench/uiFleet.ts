// A big fleet for the map, status only: a fleet file of N hosts in two environments and five
// roles, whose one status source is an HTTP health URL on a small local server that answers 200 or
// 500 as the caller decides. The UI benchmark flips every host on a clock; the 10,000-host
// Playwright spec keeps a fixed set of hosts failing. No host has sshd: shells are proven on the
// real test fleet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostAddress } from '../fleet/layout';

/** Hosts live at 127.0.60.1 onward, 254 to a third octet (only their names reach the server). */
const FIRST_INDEX = (60 - 10) * 254;

/** Environments and roles as a real fleet has them, with each role's share of the hosts. */
const SPLIT = [
  ['staging', 'lb', 0.01],
  ['staging', 'app', 0.19],
  ['production', 'lb', 0.01],
  ['production', 'app', 0.64],
  ['production', 'db', 0.15],
] as const;

/** The roles of the big fleet with their host counts, in file order. */
export function bigFleetRoles(hosts: number): Array<{ environment: string; role: string; names: string[] }> {
  const roles: Array<{ environment: string; role: string; names: string[] }> = [];
  let n = 0;
  for (const [environment, role, share] of SPLIT) {
    const count = Math.max(1, Math.round(hosts * share));
    const names: string[] = [];
    for (let i = 0; i < count && n < hosts; i++, n++) names.push(`${environment.slice(0, 3)}-${role}-${i + 1}`);
    roles.push({ environment, role, names });
  }
  return roles;
}

export function bigFleetYaml(o: { hosts: number; port: number; interval: string }): string {
  const lines = ['defaults:', `  interval: ${o.interval}`, '  status:', `    - http: { url: "http://127.0.0.1:${o.port}/h/{name}", attempts: 1 }`, 'environments:'];
  let env = '';
  let n = 0;
  for (const { environment, role, names } of bigFleetRoles(o.hosts)) {
    if (environment !== env) lines.push(`  ${environment}:`, '    roles:');
    env = environment;
    lines.push(`      ${role}:`);
    for (const name of names) lines.push(`        - { name: ${name}, address: ${hostAddress(FIRST_INDEX + n++)} }`);
  }
  return lines.join('\n') + '\n';
}

/** A number from a host's name, the same every time: spreads the hosts' flips over time. */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h;
}

export interface HealthServer {
  port: number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Answers GET /h/<name> with 200 "ok" when `isUp(name)`, else 500 "failing". */
export async function startHealthServer(isUp: (name: string) => boolean): Promise<HealthServer> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const up = isUp((req.url ?? '').replace(/^\/h\//, ''));
    res.writeHead(up ? 200 : 500, { 'content-type': 'text/plain' }).end(up ? 'ok' : 'failing');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
