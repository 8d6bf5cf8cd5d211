// The poll benchmark runs Debian's own nginx and Prometheus (and coreutils' `timeout` as a
// watchdog). Find them first; when one is missing, say which package has it and, as root with
// apt-get, install it and go on (as the test fleet does for its daemons).
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface BenchBinaries {
  nginx: string;
  prometheus: string | null;
  timeout: string;
}

const SEARCH = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function findBinary(name: string): string | null {
  for (const dir of SEARCH) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

export function ensureBenchBinaries(withPrometheus: boolean, log: (message: string) => void): BenchBinaries {
  const wanted: Array<{ name: string; pkg: string }> = [
    { name: 'nginx', pkg: 'nginx' },
    { name: 'timeout', pkg: 'coreutils' },
  ];
  if (withPrometheus) wanted.push({ name: 'prometheus', pkg: 'prometheus' });
  const missing = wanted.filter((w) => !findBinary(w.name));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((m) => m.pkg))];
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const aptGet = findBinary('apt-get');
    if (!isRoot || !aptGet) {
      throw new Error(`the poll benchmark needs ${missing.map((m) => m.name).join(', ')}. Install with: sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
    }
    log(`missing ${missing.map((m) => `${m.name} (Debian package ${m.pkg})`).join(', ')}; installing with apt-get`);
    // policy-rc.d / no init: Debian's postinst does not start the system Prometheus here; the
    // bench never uses the system daemon, only the binary with its own config and storage.
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...pkgs]]) {
      const result = spawnSync(aptGet, args, { stdio: 'inherit', env });
      if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (status ${result.status}); install ${pkgs.join(' ')} by hand`);
    }
  }
  const nginx = findBinary('nginx');
  const timeout = findBinary('timeout');
  const prometheus = withPrometheus ? findBinary('prometheus') : null;
  if (!nginx || !timeout || (withPrometheus && !prometheus)) throw new Error('nginx, timeout or prometheus still missing after apt-get');
  return { nginx, prometheus, timeout };
}

/** The first line of `<binary> --version`-style output, for the report. */
export function versionOf(binary: string, args: string[], pattern: RegExp): string {
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 5000 });
  const match = pattern.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  return match?.[1] ?? 'unknown';
}
