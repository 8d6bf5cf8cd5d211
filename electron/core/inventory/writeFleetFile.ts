import path from 'node:path';
import { stringify } from 'yaml';
import type { ImportedHost } from '../../../shared/fleet/imported';
import { parseJumpChain } from '../ssh/jumpChain';

// A fleet file's text for imported hosts: each under its environment and role, with only the
// settings its source gave (the rest are the fleet file's defaults, as for any host). The user
// owns the file afterwards, so it is written to be read and edited.

export interface FleetFileSource {
  /** The file the hosts came from, named in the header. */
  from: string;
  home: string;
  at: Date;
}

/** `imported`: every host the source lists, so that a jump host left out can be written out. */
export function fleetFileFromImported(hosts: readonly ImportedHost[], source: FleetFileSource, imported: readonly ImportedHost[] = hosts): string {
  const environments: Record<string, { roles: Record<string, unknown[]> }> = {};
  const picked = new Set(hosts.map((h) => h.name));
  const others = new Map(imported.filter((h) => !picked.has(h.name)).map((h) => [h.name, h]));
  const tilde = (p: string): string => (p.startsWith(source.home + path.sep) ? '~' + p.slice(source.home.length) : p);
  for (const host of hosts) {
    const env = (environments[host.environment] ??= { roles: {} });
    const s = host.settings;
    const entry: Record<string, unknown> = { name: host.name };
    if (host.address && host.address !== host.name) entry.address = host.address;
    if (s.user) entry.user = s.user;
    if (s.port !== undefined) entry.port = s.port;
    if (s.identity) entry.identity = tilde(s.identity);
    if (s.known_hosts) entry.known_hosts = tilde(s.known_hosts);
    if (s.jump) entry.jump = writeOutHops(s.jump, others);
    if (s.labels && Object.keys(s.labels).length) entry.labels = s.labels;
    for (const role of host.roles) (env.roles[role] ??= []).push(Object.keys(entry).length === 1 ? host.name : entry);
  }
  const header = [
    `# Written by Fleetdeck from ${tilde(source.from)} on ${source.at.toISOString().slice(0, 10)}.`,
    '# Edit it freely: the console reloads it when it changes. Settings may stand at every level',
    '# (defaults, environment, role, host); see "The fleet file" in Fleetdeck\'s README.',
    '# To watch their health, give them status sources, e.g.',
    '#   defaults: { status: [ { monit: { port: 2812 } }, { node_exporter: { port: 9100 } } ] }',
    '',
  ].join('\n');
  return header + stringify({ environments }, { flowCollectionPadding: true, lineWidth: 0 });
}

/**
 * A jump chain for a file without some of the source's hosts: a hop that names a host left out
 * is written as user@address:port, so that it still leads there (it then logs in with the
 * target's key, having no entry of its own in the file).
 */
function writeOutHops(jump: string, leftOut: ReadonlyMap<string, ImportedHost>): string {
  let hops;
  try {
    hops = parseJumpChain(jump);
  } catch {
    return jump; // as the source wrote it; the pool says what is wrong with it
  }
  if (!hops.some((hop) => leftOut.has(hop.host))) return jump;
  return hops
    .map((hop) => {
      const host = leftOut.get(hop.host);
      const user = hop.user ?? host?.settings.user;
      const address = host?.address ?? hop.host;
      const port = hop.port ?? host?.settings.port;
      return `${user ? `${user}@` : ''}${address.includes(':') ? `[${address}]` : address}${port && port !== 22 ? `:${port}` : ''}`;
    })
    .join(',');
}
