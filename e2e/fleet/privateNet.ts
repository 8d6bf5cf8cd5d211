// The test fleet's private network (fleetUp's privateHosts option): hosts the console reaches only
// through a bastion, as in most production networks. Three network namespaces take part:
//
//   root (the console) ──link "bastion"── bastion netns ──link "private"── private netns
//   198.18.255.1/30        198.18.255.2/30  198.18.0.254/24      198.18.0.1…/24 (one per host)
//
// The bastion's sshd, Monit and node_exporter run in the bastion namespace, every private host's
// in the private one. The root namespace knows only the /30 to the bastion, and an `unreachable`
// route for the rest of 198.18.0.0/15, so a connection from the console to a private host fails at
// once (rather than leaving by the machine's default route); the bastion namespace does not
// forward (ip_forward 0), so the only way in is a channel from the bastion's sshd. All addresses
// are from 198.18.0.0/15, the range set aside for network benchmarks.
//
// Names carry an id made from the fleet dir, so a fleet's namespaces and links are found again
// after a crash; only one private network can be up on a machine at a time (the addresses are
// fixed), and `up` says so when another fleet's is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readProcStat, stopProcesses, type ProcId } from './procs';

export const BASTION_ADDRESS = '198.18.255.2';
const CONSOLE_SIDE = '198.18.255.1';
const BASTION_PRIVATE_SIDE = '198.18.0.254';
/** Everything of the private network; the console's namespace gets an `unreachable` route for it. */
export const PRIVATE_RANGE = '198.18.0.0/15';
export const MAX_PRIVATE_HOSTS = 253;
const NAMESPACE_PREFIXES = ['fleetdeck-bastion-', 'fleetdeck-priv-'];

/** 0 -> 198.18.0.1 … 252 -> 198.18.0.253 (.254 is the bastion's side). */
export function privateAddress(position: number): string {
  if (!Number.isInteger(position) || position < 0 || position >= MAX_PRIVATE_HOSTS) {
    throw new RangeError(`private host position must be an integer in 0..${MAX_PRIVATE_HOSTS - 1}, got ${position}`);
  }
  return `198.18.0.${position + 1}`;
}

export interface PrivateNetNames {
  id: string;
  bastionNs: string;
  privateNs: string;
  /** In the root namespace: the console's end of the bastion's link. */
  consoleLink: string;
  /** In the bastion namespace: its end of the console's link, and its end of the private link. */
  bastionLink: string;
  gatewayLink: string;
  /** In the private namespace: the private hosts' end of their link to the bastion. */
  privateLink: string;
}

/** The names for the fleet in dir (link names stay under the kernel's 15 characters). */
export function privateNetNames(dir: string): PrivateNetNames {
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 8);
  return {
    id,
    bastionNs: `fleetdeck-bastion-${id}`,
    privateNs: `fleetdeck-priv-${id}`,
    consoleLink: `fd${id}c`,
    bastionLink: `fd${id}b`,
    gatewayLink: `fd${id}g`,
    privateLink: `fd${id}p`,
  };
}

/** The `ip` commands (argv after `ip`) that build the network for `count` private hosts. */
export function setupCommands(n: PrivateNetNames, count: number): string[][] {
  const b = ['-n', n.bastionNs];
  const p = ['-n', n.privateNs];
  return [
    ['netns', 'add', n.bastionNs],
    ['netns', 'add', n.privateNs],
    ['link', 'add', n.consoleLink, 'type', 'veth', 'peer', 'name', n.bastionLink, 'netns', n.bastionNs],
    ['link', 'add', n.gatewayLink, 'netns', n.bastionNs, 'type', 'veth', 'peer', 'name', n.privateLink, 'netns', n.privateNs],
    ['addr', 'add', `${CONSOLE_SIDE}/30`, 'dev', n.consoleLink],
    ['link', 'set', n.consoleLink, 'up'],
    ['route', 'add', 'unreachable', PRIVATE_RANGE],
    [...b, 'link', 'set', 'lo', 'up'],
    [...b, 'addr', 'add', `${BASTION_ADDRESS}/30`, 'dev', n.bastionLink],
    [...b, 'link', 'set', n.bastionLink, 'up'],
    [...b, 'addr', 'add', `${BASTION_PRIVATE_SIDE}/24`, 'dev', n.gatewayLink],
    [...b, 'link', 'set', n.gatewayLink, 'up'],
    [...p, 'link', 'set', 'lo', 'up'],
    ...Array.from({ length: count }, (_, i) => [...p, 'addr', 'add', `${privateAddress(i)}/24`, 'dev', n.privateLink]),
    [...p, 'link', 'set', n.privateLink, 'up'],
  ];
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ipQuiet(args: string[]): void {
  try {
    ip(args);
  } catch {
    // Already gone: that is what was wanted.
  }
}

function hasIp(): boolean {
  try {
    ip(['-V']);
    return true;
  } catch {
    return false;
  }
}

/** Network namespaces on this machine that some test fleet made. */
function fleetNamespaces(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => NAMESPACE_PREFIXES.some((prefix) => name.startsWith(prefix)));
}

/** Why this machine cannot have a private network (null: it can): root, and iproute2's `ip netns`. */
export function privateNetUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'it needs root (network namespaces)';
  try {
    ip(['netns', 'list']);
    return null;
  } catch (error) {
    return `\`ip netns\` does not work here (${(error as Error).message.split('\n')[0]})`;
  }
}

export function assertCanMakePrivateNet(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('private hosts need root (they live in network namespaces, which only root can make); run `sudo npm run fleet -- up --private N`, or leave --private out');
  }
}

/**
 * Builds the network for `count` private hosts, or keeps the one already there when it is
 * complete (its daemons keep running); leftovers of a crashed run are removed first.
 */
export async function ensurePrivateNet(dir: string, count: number): Promise<PrivateNetNames> {
  assertCanMakePrivateNet();
  const n = privateNetNames(dir);
  const others = fleetNamespaces().filter((ns) => !ns.endsWith(`-${n.id}`));
  if (others.length > 0) throw new Error(`another test fleet's private network is up (${others.join(', ')}); stop that fleet first (fleet down --dir …)`);
  const ours = fleetNamespaces();
  if (ours.includes(n.bastionNs) && ours.includes(n.privateNs) && linkExists([], n.consoleLink)) {
    // Complete: only the addresses of hosts added since may be missing.
    for (let i = 0; i < count; i++) {
      if (!ip(['-n', n.privateNs, 'addr', 'show', 'dev', n.privateLink]).includes(` ${privateAddress(i)}/`)) {
        ip(['-n', n.privateNs, 'addr', 'add', `${privateAddress(i)}/24`, 'dev', n.privateLink]);
      }
    }
    return n;
  }
  await removePrivateNet(dir);
  for (const args of setupCommands(n, count)) ip(args);
  // A new namespace starts with forwarding off; written anyway, because the design rests on it.
  execFileSync('ip', ['netns', 'exec', n.bastionNs, 'sh', '-c', 'echo 0 > /proc/sys/net/ipv4/ip_forward']);
  return n;
}

function linkExists(prefix: string[], link: string): boolean {
  try {
    ip([...prefix, 'link', 'show', 'dev', link]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the fleet's namespaces, links and route, stopping whatever still runs inside the
 * namespaces (the recorded daemons are stopped before this; these are a crashed run's). Returns
 * how many namespaces it removed. A no-op, and no root needed, when there is nothing.
 */
export async function removePrivateNet(dir: string): Promise<number> {
  if (!hasIp()) return 0; // no iproute2 (not Linux): nothing of this kind can exist
  const n = privateNetNames(dir);
  const ours = fleetNamespaces().filter((ns) => ns === n.bastionNs || ns === n.privateNs);
  const routeThere = ip(['route', 'show', 'table', 'main', 'type', 'unreachable']).includes(PRIVATE_RANGE.replace('/15', ''));
  if (ours.length === 0 && !linkExists([], n.consoleLink) && !routeThere) return 0;
  assertCanMakePrivateNet();
  for (const ns of ours) {
    const pids = ip(['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
    const procs: ProcId[] = pids.map((pid) => ({ pid, startTime: readProcStat(pid)?.startTime ?? null }));
    const left = await stopProcesses(procs);
    if (left.length > 0) throw new Error(`could not stop pids ${left.map((p) => p.pid).join(', ')} in ${ns}`);
    ip(['netns', 'del', ns]);
  }
  // The console's end goes with its peer once the namespace is freed; not waited for.
  ipQuiet(['link', 'del', n.consoleLink]);
  if (routeThere) ipQuiet(['route', 'del', 'unreachable', PRIVATE_RANGE]);
  return ours.length;
}

/**
 * Gives the private namespace more addresses of 198.18.0.0/15 beyond the hosts' 198.18.0.x (the
 * poll benchmark's 1,000 endpoints), each in a /24 the bastion namespace gets a route to. One
 * `ip -batch` per namespace: a thousand `ip` runs would take seconds.
 */
export function addPrivateAddresses(dir: string, addresses: string[]): void {
  const n = privateNetNames(dir);
  const subnets = new Set<string>();
  for (const address of addresses) {
    if (!/^198\.1[89]\.\d{1,3}\.\d{1,3}$/.test(address) || address.startsWith('198.18.0.') || address.startsWith('198.18.255.')) {
      throw new RangeError(`${address} is not an address of 198.18.0.0/15 outside the fleet's 198.18.0.x and 198.18.255.x`);
    }
    subnets.add(address.replace(/\.\d+$/, '.0/24'));
  }
  const batch = (ns: string, lines: string[]) => execFileSync('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'pipe'] });
  batch(n.privateNs, addresses.map((a) => `addr replace ${a}/24 dev ${n.privateLink}`));
  batch(n.bastionNs, [...subnets].map((net) => `route replace ${net} dev ${n.gatewayLink}`));
}

export type PrivateLink = 'private' | 'bastion';

/**
 * Takes a link of the private network down or up, for partition tests: 'private' is the private
 * hosts' link to the bastion (all of them at once), 'bastion' is the console's link to the bastion.
 */
export function setPrivateLink(dir: string, which: PrivateLink, up: boolean): void {
  const n = privateNetNames(dir);
  const args = which === 'private' ? ['-n', n.privateNs, 'link', 'set', n.privateLink] : ['link', 'set', n.consoleLink];
  ip([...args, up ? 'up' : 'down']);
}

/** The argv that runs a command inside a namespace (the same pid: `ip netns exec` execs it). */
export function inNamespace(ns: string, command: string, args: string[]): { command: string; args: string[] } {
  return { command: 'ip', args: ['netns', 'exec', ns, command, ...args] };
}

/** Is something in pid's network namespace listening on address:port (IPv4)? Read from /proc, so it
 * works from outside the namespace without connecting (the console's namespace has no route). */
export function listensIn(pid: number, address: string, port: number): boolean {
  let table: string;
  try {
    table = readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
  } catch {
    return false;
  }
  const wanted = `${procTcpAddress(address)}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1] === wanted && fields[3] === '0A';
  });
}

/** 198.18.0.1 → "010012C6": /proc/net/tcp prints the address as a host-order u32 (little-endian
 * machines, which are all this fleet runs on). */
export function procTcpAddress(address: string): string {
  return address
    .split('.')
    .reverse()
    .map((octet) => Number(octet).toString(16).toUpperCase().padStart(2, '0'))
    .join('');
}
