// Where each test host lives: its loopback address, its ports and its files inside the fleet dir.
// Pure functions only, so tests, the CLI and benchmarks agree on the layout without starting anything.
import { join } from 'node:path';

/** Every host listens on the same ports; hosts differ by loopback address. */
export const SSH_PORT = 2222;
export const MONIT_PORT = 2812;
export const NODE_EXPORTER_PORT = 9100;

/** Fleet addresses start at 127.0.10.1, well clear of 127.0.0.1 where developers run real services. */
const FIRST_OCTET3 = 10;
const PER_OCTET = 254; // .1 … .254: skip .0 and .255 so no address looks like a network or broadcast
/** The highest index that still fits under 127.0.255.254. */
export const MAX_HOST_INDEX = (255 - FIRST_OCTET3 + 1) * PER_OCTET - 1;

/** 0 -> 127.0.10.1 … 253 -> 127.0.10.254, 254 -> 127.0.11.1, … Only loopback, by construction. */
export function hostAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_HOST_INDEX) {
    throw new RangeError(`host index must be an integer in 0..${MAX_HOST_INDEX}, got ${index}`);
  }
  const octet3 = FIRST_OCTET3 + Math.floor(index / PER_OCTET);
  const octet4 = 1 + (index % PER_OCTET);
  return `127.0.${octet3}.${octet4}`;
}

/** Host names are 1-based (host-1 is the first) because that is how people count servers. */
export function hostName(position: number): string {
  return `host-${position + 1}`;
}

/** Files at the top of the fleet dir. */
export function fleetPaths(dir: string) {
  return {
    fleetFile: join(dir, 'fleet.yaml'),
    identity: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    authorizedKeys: join(dir, 'authorized_keys'),
    monitPassword: join(dir, 'monit-password'),
    passwordUser: join(dir, 'password-user'),
    state: join(dir, 'fleet-state.json'),
    journal: join(dir, 'fleet-state.journal'),
    lock: join(dir, 'fleet.lock'),
    hostsDir: join(dir, 'hosts'),
  };
}

/** Files of one host: its dir stands for its disk; home/ is its $HOME (see sshd.ts). */
export function hostPaths(dir: string, name: string) {
  const hostDir = join(dir, 'hosts', name);
  return {
    dir: hostDir,
    home: join(hostDir, 'home'),
    hostKey: join(hostDir, 'ssh_host_ed25519_key'),
    hostKeyPub: join(hostDir, 'ssh_host_ed25519_key.pub'),
    /** With fleetUp's ownKey option: the only client key this host's sshd takes, and its file. */
    ownKey: join(hostDir, 'id_own_ed25519'),
    ownAuthorizedKeys: join(hostDir, 'authorized_keys'),
    sshdConfig: join(hostDir, 'sshd_config'),
    sshdPid: join(hostDir, 'sshd.pid'),
    sshdLog: join(hostDir, 'sshd.log'),
    monitrc: join(hostDir, 'monitrc'),
    monitDir: join(hostDir, 'monit.d'),
    monitPid: join(hostDir, 'monit.pid'),
    monitId: join(hostDir, 'monit.id'),
    monitState: join(hostDir, 'monit.state'),
    monitLog: join(hostDir, 'monit.log'),
    monitOut: join(hostDir, 'monit.out'),
    haproxyCfg: join(hostDir, 'haproxy.cfg'),
    haproxyLog: join(hostDir, 'haproxy.log'),
    nodeExporterLog: join(hostDir, 'node_exporter.log'),
    /** node_exporter's textfile collector reads *.prom here: per-host metrics for tests. */
    textfileDir: join(hostDir, 'node_exporter.d'),
  };
}

export type HostPaths = ReturnType<typeof hostPaths>;
