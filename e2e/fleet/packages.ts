// The fleet runs Debian's own daemons. Find them before starting anything; when they are missing,
// say which package provides them and, as root with apt-get, install them and go on.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface Binaries {
  sshd: string;
  sshKeygen: string;
  monit: string;
  nodeExporter: string | null;
}

interface Need {
  key: keyof Binaries;
  names: string[];
  pkg: string;
}

// sbin directories are searched too: a non-root PATH often lacks them, and sshd lives there.
const SEARCH = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

function findBinary(names: string[]): string | null {
  for (const name of names) {
    for (const dir of SEARCH) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // keep looking
      }
    }
  }
  return null;
}

function needs(nodeExporter: boolean): Need[] {
  const list: Need[] = [
    { key: 'sshd', names: ['sshd'], pkg: 'openssh-server' },
    { key: 'sshKeygen', names: ['ssh-keygen'], pkg: 'openssh-client' },
    { key: 'monit', names: ['monit'], pkg: 'monit' },
  ];
  if (nodeExporter) list.push({ key: 'nodeExporter', names: ['prometheus-node-exporter', 'node_exporter'], pkg: 'prometheus-node-exporter' });
  return list;
}

function locate(nodeExporter: boolean): { found: Partial<Binaries>; missing: Need[] } {
  const found: Partial<Binaries> = {};
  const missing: Need[] = [];
  for (const need of needs(nodeExporter)) {
    const path = findBinary(need.names);
    if (path) found[need.key] = path;
    else missing.push(need);
  }
  return { found, missing };
}

/**
 * Returns absolute paths of the daemons. sshd must be absolute anyway: it re-executes itself
 * for every connection.
 */
export function ensurePackages(nodeExporter: boolean, log: (message: string) => void = () => undefined): Binaries {
  let { found, missing } = locate(nodeExporter);
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((m) => m.pkg))];
    const what = missing.map((m) => `${m.names[0]} (Debian package ${m.pkg})`).join(', ');
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const aptGet = findBinary(['apt-get']);
    if (!isRoot || !aptGet) {
      throw new Error(`The test fleet needs ${what}. Install with: sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
    }
    log(`missing ${what}; installing with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...pkgs]]) {
      const result = spawnSync(aptGet, args, { stdio: 'inherit', env });
      if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (status ${result.status}); install ${pkgs.join(' ')} by hand`);
    }
    ({ found, missing } = locate(nodeExporter));
    if (missing.length > 0) throw new Error(`still missing after apt-get: ${missing.map((m) => m.names[0]).join(', ')}`);
  }
  return {
    sshd: found.sshd as string,
    sshKeygen: found.sshKeygen as string,
    monit: found.monit as string,
    nodeExporter: found.nodeExporter ?? null,
  };
}

/** OpenSSH's [major, minor], e.g. [9, 2], from `sshd -V` (which prints it to stderr); [0, 0] if unknown. */
export function opensshVersion(sshd: string): [number, number] {
  const result = spawnSync(sshd, ['-V'], { encoding: 'utf8' });
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}
