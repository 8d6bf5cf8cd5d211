// Renders D/fleet.yaml, the file the console reads. Written by hand rather than with a YAML
// serializer so the layout stays the readable one people copy from (one host per line).
import { roleGroups } from './roles';
import { HAPROXY_STATS_PORT } from './haproxy';
import { SAMPLE_APP_PORT } from './sampleApp';
import { MONIT_PORT, NODE_EXPORTER_PORT, SSH_PORT } from './layout';

export interface FleetFileInput {
  user: string;
  monitUser: string;
  monitPassword: string;
  nodeExporter: boolean;
  /** In host order; position i is hosts[i]. */
  hosts: Array<{ name: string; address: string }>;
  /** The host running HAProxy, which also gets its stats as a status source. */
  lb?: string | null;
  /** The poll interval, when not the console's default. */
  interval?: string | null;
  /** The sample app's git repository: adds app "shop" on the app role. */
  appRepo?: string | null;
  /** The app's stages (deploy to the first, promote to the next), when it has them. */
  appStages?: string[] | null;
  /** Hosts with a client key of their own (fleetUp's ownKey), which they get as `identity`. */
  ownKey?: string[];
  /** The bastion and the hosts behind it (fleetUp's privateHosts): environment "private". */
  private?: { bastion: { name: string; address: string }; hosts: Array<{ name: string; address: string }> } | null;
}

/** Plain YAML scalar when that is unambiguous, otherwise a JSON string (which YAML also reads). */
function scalar(value: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9._\/-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

export function renderFleetYaml(input: FleetFileInput): string {
  const monit = `{ monit: { port: ${MONIT_PORT}, user: ${scalar(input.monitUser)}, password: ${JSON.stringify(input.monitPassword)} } }`;
  const exporter = `{ node_exporter: { port: ${NODE_EXPORTER_PORT} } }`;
  const lines = [
    '# Written by `npm run fleet -- up`; a test fleet on loopback.',
    '# Paths are relative to this file. Stop the fleet with `npm run fleet -- down`.',
    'defaults:',
    `  user: ${scalar(input.user)}`,
    `  port: ${SSH_PORT}`,
    '  identity: ./id_ed25519',
    '  known_hosts: ./known_hosts',
    ...(input.interval ? [`  interval: ${input.interval}`] : []),
    '  status:',
    `    - ${monit}`,
  ];
  if (input.nodeExporter) lines.push(`    - ${exporter}`);
  lines.push('environments:');

  let environment = '';
  for (const group of roleGroups(input.hosts.length)) {
    if (group.environment !== environment) {
      environment = group.environment;
      lines.push(`  ${environment}:`, '    roles:');
    }
    lines.push(`      ${group.role}:`);
    for (const position of group.positions) {
      const host = input.hosts[position];
      if (!host) throw new Error(`no host at position ${position}`);
      const own = input.ownKey?.includes(host.name) ? `, identity: ./hosts/${host.name}/id_own_ed25519` : '';
      if (host.name === input.lb) {
        // A host's own status list replaces the defaults', so the lb repeats them.
        const sources = [monit, ...(input.nodeExporter ? [exporter] : []), `{ haproxy: { url: "http://{address}:${HAPROXY_STATS_PORT}/stats;csv" } }`];
        lines.push(`        - { name: ${scalar(host.name)}, address: ${host.address}${own}, status: [ ${sources.join(', ')} ] }`);
      } else lines.push(`        - { name: ${scalar(host.name)}, address: ${host.address}${own} }`);
    }
  }
  if (input.private) {
    // Each private host's `jump` is the bastion's name, so the bastion logs in as itself.
    const { bastion, hosts } = input.private;
    const own = (name: string) => (input.ownKey?.includes(name) ? `, identity: ./hosts/${name}/id_own_ed25519` : '');
    lines.push('  private:', '    roles:', '      bastion:', `        - { name: ${scalar(bastion.name)}, address: ${bastion.address}${own(bastion.name)} }`, '      web:');
    for (const host of hosts) lines.push(`        - { name: ${scalar(host.name)}, address: ${host.address}, jump: ${scalar(bastion.name)}${own(host.name)} }`);
  }
  if (input.appRepo) {
    lines.push('apps:', ...sampleAppLines('shop', 'app', input.appRepo, '[1, "50%", "100%"]'));
    if (input.appStages) lines.push(`    stages: [${input.appStages.map(scalar).join(', ')}]`);
    // The same sample app on the hosts behind the bastion: its health gate goes through bastion-1
    // (via: auto), as in a network where only SSH reaches the servers.
    if (input.private) lines.push(...sampleAppLines('intranet', 'web', input.appRepo, '[1, "100%"]'));
  }
  return lines.join('\n') + '\n';
}

/** The sample app as app `name` of `role`, deployed to ~/apps/<name> in `waves`. */
function sampleAppLines(name: string, role: string, repo: string, waves: string): string[] {
  return [
    `  ${name}:`,
    `    roles: [${role}]`,
    `    deploy_to: ~/apps/${name}`,
    `    source: { git: ${JSON.stringify(repo)}, ref: main }`,
    '    restart: bin/restart',
    `    health: { http: "http://{address}:${SAMPLE_APP_PORT}/health", within: 10s }`,
    `    waves: ${waves}`,
    '    keep_releases: 3',
  ];
}
