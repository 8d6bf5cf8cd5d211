// The fleet file the benchmark's Fleetdeck reads: N hosts at 127.0.50.1 … (250 per /24, so
// 1,000 hosts are 127.0.50.1–127.0.53.250), clear of the test fleets' 127.0.10–40.x, each with
// Monit (basic auth) and node_exporter as its status sources, polled every interval.
import { MONIT_PASSWORD, MONIT_PORT, MONIT_USER, NODE_EXPORTER_PORT } from './nginx';

export const FIRST_OCTET3 = 50;
export const HOSTS_PER_OCTET = 250;
export const MAX_HOSTS = 5000;

export function benchAddress(index: number, firstOctet3 = FIRST_OCTET3, maxHosts = MAX_HOSTS): string {
  if (!Number.isInteger(index) || index < 0 || index >= maxHosts) throw new RangeError(`host index ${index} is outside 0…${maxHosts - 1}`);
  return `127.0.${firstOctet3 + Math.floor(index / HOSTS_PER_OCTET)}.${1 + (index % HOSTS_PER_OCTET)}`;
}

export function benchHostName(index: number): string {
  return `bench-${String(index + 1).padStart(index < 9999 ? 4 : 5, '0')}`;
}

export type BenchSources = Array<'monit' | 'node_exporter'>;

/** The bastion the private fleet's hosts sit behind, and how to log in to it (the test fleet's). */
export interface BenchBastion {
  name: string;
  address: string;
  user: string;
  port: number;
  identity: string;
  knownHosts: string;
}

/** With a bastion, every host has it as its jump host (via: auto = jump). */
export function renderBenchFleet(
  hosts: number,
  intervalS: number,
  sources: BenchSources,
  addressOf: (index: number) => string = benchAddress,
  bastion?: BenchBastion,
): string {
  const lines = [
    `# Written by \`npm run bench -- poll\`: nginx ${bastion ? `in a private namespace behind ${bastion.name}` : 'on loopback'} stands in for every host.`,
    'defaults:',
    `  interval: ${intervalS}s`,
    '  status:',
  ];
  if (sources.includes('monit')) lines.push(`    - monit: { port: ${MONIT_PORT}, user: ${MONIT_USER}, password: ${JSON.stringify(MONIT_PASSWORD)} }`);
  if (sources.includes('node_exporter')) lines.push(`    - node_exporter: { port: ${NODE_EXPORTER_PORT} }`);
  if (bastion) {
    lines.push(`  user: ${JSON.stringify(bastion.user)}`, `  port: ${bastion.port}`, `  identity: ${JSON.stringify(bastion.identity)}`, `  known_hosts: ${JSON.stringify(bastion.knownHosts)}`);
  }
  lines.push('environments:', '  bench:', '    roles:');
  if (bastion) lines.push('      bastion:', `        - { name: ${bastion.name}, address: ${bastion.address}, status: [] }`);
  lines.push('      app:');
  const jump = bastion ? `, jump: ${bastion.name}` : '';
  for (let i = 0; i < hosts; i++) lines.push(`        - { name: ${benchHostName(i)}, address: ${addressOf(i)}${jump} }`);
  return lines.join('\n') + '\n';
}
