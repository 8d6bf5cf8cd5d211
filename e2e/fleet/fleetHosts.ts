import { readFileSync } from 'node:fs';
import { parseFleetFile } from '../../electron/core/inventory/parseFleetFile';
import type { Host } from '../../shared/fleet/model';

// The hosts of a test fleet as the console sees them: its fleet file read by the console's own
// parser, by name. For the integration tests that give these hosts to an SshPool.

export function fleetHosts(fleetFile: string): Map<string, Host> {
  const parsed = parseFleetFile(readFileSync(fleetFile, 'utf8'), fleetFile);
  if (!parsed.ok) throw new Error(`the test fleet's file is broken: ${parsed.problem.message}`);
  return new Map(parsed.fleet.hosts.map((h) => [h.name, h]));
}
