// `npm run deps` (the first step of `npm test`; `npm run demo` runs it with `--for demo`): the
// Debian packages of build/debian-packages.txt that are missing. As root with apt-get it installs
// them; otherwise it stops before anything runs, with the exact `sudo apt-get install …` line, so
// that a missing sshd or Chromium is one clear message instead of a hundred failing tests.
// `--list FILE` reads another list (to try the messages on a machine that has everything).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

export type Use = 'demo' | 'test' | 'bench';

export interface DebianPackage {
  name: string;
  neededBy: Use[];
  why: string;
}

const USES: readonly Use[] = ['demo', 'test', 'bench'];
export const PACKAGE_LIST = path.join(import.meta.dirname, 'debian-packages.txt');

/** Reads the list's lines: `<package> <use> [<use>…]  # why`; blank lines and comment lines skipped. */
export function parsePackageList(text: string): DebianPackage[] {
  const packages: DebianPackage[] = [];
  text.split('\n').forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const fields = (hash === -1 ? raw : raw.slice(0, hash)).trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const [name, ...uses] = fields as [string, ...string[]];
    const unknown = uses.filter((u) => !(USES as readonly string[]).includes(u));
    if (uses.length === 0 || unknown.length > 0) {
      throw new Error(`debian-packages.txt line ${index + 1}: "${name}" needs one or more of ${USES.join(', ')} (got "${uses.join(' ')}")`);
    }
    packages.push({ name, neededBy: uses as Use[], why: hash === -1 ? '' : raw.slice(hash + 1).trim() });
  });
  return packages;
}

/** The exact line a user without root runs. */
export function sudoInstallLine(names: readonly string[]): string {
  return `sudo apt-get install -y --no-install-recommends ${names.join(' ')}`;
}

export type Plan =
  | { kind: 'ready' }
  | { kind: 'install'; names: string[] }
  | { kind: 'stop'; message: string };

export interface Machine {
  isRoot: boolean;
  hasAptGet: boolean;
}

/** What to do about the packages that are missing: nothing, install them, or stop and say how. */
export function planInstall(missing: readonly DebianPackage[], use: Use, machine: Machine): Plan {
  if (missing.length === 0) return { kind: 'ready' };
  const names = missing.map((p) => p.name);
  if (machine.isRoot && machine.hasAptGet) return { kind: 'install', names };
  const why = missing.map((p) => `  ${p.name}: ${p.why}`).join('\n');
  const reason = machine.hasAptGet ? 'Installing needs root.' : 'This machine has no apt-get: install the same software with its own package manager.';
  const message = [
    `Fleetdeck's ${use === 'test' ? 'tests need' : `${use} needs`} ${names.length === 1 ? 'a Debian package that is' : 'Debian packages that are'} not installed:`,
    why,
    `${reason} Run:`,
    '',
    `  ${sudoInstallLine(names)}`,
    '',
    `then run this command again. (The list, with why each package is there: build/debian-packages.txt.)`,
  ].join('\n');
  return { kind: 'stop', message };
}

/** Packages of the list that dpkg does not show as installed; null when there is no dpkg-query. */
export function missingOnThisMachine(packages: readonly DebianPackage[]): DebianPackage[] | null {
  if (packages.length === 0) return [];
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...packages.map((p) => p.name)], { encoding: 'utf8' });
  if (result.error) return null;
  // The abbreviation's second letter is the state: "ii" and "hi" (held) are installed; "rc"
  // (removed, config left) and "un" (unknown) are not.
  const installed = new Set(result.stdout.split('\n').filter((line) => /^\S+ .i/.test(line)).map((line) => line.split(' ')[0]));
  return packages.filter((p) => !installed.has(p.name));
}

function hasProgram(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function aptGet(args: string[]): void {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** Makes sure `use`'s packages are there; returns the process exit code. */
export function ensureSystemPackages(use: Use, listFile = PACKAGE_LIST, log: (line: string) => void = console.log): number {
  const wanted = parsePackageList(fs.readFileSync(listFile, 'utf8')).filter((p) => p.neededBy.includes(use));
  const missing = missingOnThisMachine(wanted);
  const machine: Machine = { isRoot: process.getuid?.() === 0, hasAptGet: hasProgram('apt-get') };
  if (missing === null) {
    log(`deps: this machine has no dpkg-query, so Fleetdeck cannot tell whether what ${use} needs is installed.`);
    log(`On Debian or Ubuntu that is: ${sudoInstallLine(wanted.map((p) => p.name))} (why each: build/debian-packages.txt).`);
    return 1;
  }
  const plan = planInstall(missing, use, machine);
  if (plan.kind === 'ready') {
    log(`deps: the ${wanted.length} Debian packages ${use} needs are installed`);
    return 0;
  }
  if (plan.kind === 'stop') {
    log(plan.message);
    return 1;
  }
  log(`deps: installing ${plan.names.join(' ')} with apt-get`);
  aptGet(['update']);
  aptGet(['install', '-y', '--no-install-recommends', ...plan.names]);
  const still = missingOnThisMachine(plan.names.map((name) => ({ name, neededBy: [use], why: '' }))) ?? [];
  if (still.length > 0) {
    log(`deps: still missing after apt-get: ${still.map((p) => p.name).join(' ')}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  const { values } = parseArgs({ options: { for: { type: 'string', default: 'test' }, list: { type: 'string', default: PACKAGE_LIST } } });
  const use = values.for as Use;
  if (!USES.includes(use)) {
    console.error(`deps: --for takes ${USES.join(', ')}`);
    process.exit(2);
  }
  process.exit(ensureSystemPackages(use, values.list));
}
