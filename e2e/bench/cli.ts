// `npm run bench -- <name> [flags]`: the benchmarks that need real daemons. Each prints progress
// and, as its last line, one JSON object with its figures.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MAX_HOSTS } from './pollFleetFile';
import { INVENTORY_USAGE, runInventoryBench } from './inventory';
import { POLL_USAGE, runPoll } from './poll';
import { HISTORY_USAGE, runHistory } from './history';
import { DEPLOY_USAGE, runDeployBench } from './deploy';
import { FUZZ_USAGE, runFuzz } from './fuzz';
import { BAD_ENDPOINTS_USAGE, runBadEndpointsBench } from './badEndpoints';
import { FAULTS_USAGE, parseKinds, runFaults } from './faults';
import { runTerminal, TERMINAL_USAGE } from './terminal';
import { runUi, UI_USAGE } from './ui';
import { PROMETHEUS_USAGE, runPrometheusBench } from './prometheusFleet';

const USAGE = `usage: npm run bench -- <benchmark> [flags]
${POLL_USAGE}
${PROMETHEUS_USAGE}
${UI_USAGE}
${TERMINAL_USAGE}
${HISTORY_USAGE}
${INVENTORY_USAGE}
${DEPLOY_USAGE}
${FUZZ_USAGE}
${BAD_ENDPOINTS_USAGE}
${FAULTS_USAGE}`;

type Flags = Map<string, string | true>;

function parseFlags(argv: string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (argv[i + 1] === undefined || (argv[i + 1] as string).startsWith('--')) flags.set(arg.slice(2), true);
    else flags.set(arg.slice(2), argv[++i] as string);
  }
  return flags;
}

function take(flags: Flags, name: string): string | true | undefined {
  const value = flags.get(name);
  flags.delete(name);
  return value;
}

function num(flags: Flags, name: string, fallback: number, integer = false): number {
  const value = take(flags, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} needs a ${integer ? 'whole ' : ''}number`);
  return n;
}

function bool(flags: Flags, name: string): boolean {
  const value = take(flags, name);
  if (value === undefined) return false;
  if (value !== true) throw new Error(`--${name} takes no value`);
  return true;
}

function repoRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fleetdeck') return dir;
      } catch {
        // not ours
      }
    }
    if (dirname(dir) === dir) throw new Error('run the bench from inside the fleetdeck repo');
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const flags = parseFlags(rest);
  if (name === 'ui') {
    const options = { hosts: num(flags, 'hosts', 1000, true), seconds: num(flags, 'seconds', 60), profile: bool(flags, 'profile'), repoRoot: repoRoot() };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${UI_USAGE}`);
    return runUi(options);
  }
  if (name === 'prometheus') {
    const options = {
      hosts: num(flags, 'hosts', 10000, true),
      seconds: num(flags, 'seconds', 120),
      intervalS: num(flags, 'interval', 10),
      scrapeS: num(flags, 'scrape-interval', 30),
      profile: bool(flags, 'profile'),
      keep: bool(flags, 'keep'),
      repoRoot: repoRoot(),
    };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${PROMETHEUS_USAGE}`);
    return runPrometheusBench(options);
  }
  if (name === 'history') {
    const options = { hosts: num(flags, 'hosts', 20, true), metrics: num(flags, 'metrics', 30, true), intervalS: num(flags, 'interval', 10) };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${HISTORY_USAGE}`);
    return runHistory(options);
  }
  if (name === 'terminal') {
    const options = { mb: num(flags, 'mb', 100), terminals: num(flags, 'terminals', 50, true), profile: bool(flags, 'profile'), trace: bool(flags, 'trace'), repoRoot: repoRoot() };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${TERMINAL_USAGE}`);
    return runTerminal(options);
  }
  if (name === 'inventory') {
    const options = { hosts: num(flags, 'hosts', 5000, true), runs: Math.max(1, num(flags, 'runs', 7, true)) };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${INVENTORY_USAGE}`);
    return runInventoryBench(options);
  }
  if (name === 'deploy') {
    const options = { hosts: num(flags, 'hosts', 20, true), private: bool(flags, 'private') };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${DEPLOY_USAGE}`);
    return runDeployBench(options);
  }
  if (name === 'bad-endpoints') {
    const options = { hosts: num(flags, 'hosts', 1000, true), perKind: num(flags, 'per-kind', 2, true), seconds: num(flags, 'seconds', 60), intervalS: num(flags, 'interval', 10) };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${BAD_ENDPOINTS_USAGE}`);
    return runBadEndpointsBench(options);
  }
  if (name === 'faults') {
    const kinds = take(flags, 'kinds');
    const options = { hosts: num(flags, 'hosts', 20, true), privateHosts: num(flags, 'private', 4, true), rounds: num(flags, 'rounds', 30, true), seed: num(flags, 'seed', Date.now() % 100_000, true), kinds: parseKinds(typeof kinds === 'string' ? kinds : undefined), repoRoot: repoRoot() };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${FAULTS_USAGE}`);
    return runFaults(options);
  }
  if (name === 'fuzz') {
    const options = { seconds: num(flags, 'seconds', 60), seed: num(flags, 'seed', 17, true), repoRoot: repoRoot() };
    if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')}\n${FUZZ_USAGE}`);
    return runFuzz(options);
  }
  if (name !== 'poll') throw new Error(`unknown benchmark "${name}"\n${USAGE}`);
  if (take(flags, 'help')) {
    console.log(POLL_USAGE);
    return 0;
  }
  const intervalS = num(flags, 'interval', 10);
  const engine = take(flags, 'engine') ?? 'fleetdeck';
  if (engine !== 'fleetdeck' && engine !== 'raw') throw new Error('--engine is fleetdeck or raw');
  const sourcesFlag = take(flags, 'sources');
  const sources = (typeof sourcesFlag === 'string' ? sourcesFlag : 'monit,node_exporter').split(',').map((s) => s.trim());
  if (sources.length === 0 || sources.some((s) => s !== 'monit' && s !== 'node_exporter')) throw new Error('--sources is a list of monit, node_exporter');
  const privateSide = bool(flags, 'private');
  if (privateSide && engine === 'raw') throw new Error('--private measures Fleetdeck through the bastion: not with --engine raw');
  // Beside a second child and a second nginx, Prometheus would crowd the two cores.
  const noPrometheus = bool(flags, 'no-prometheus') || privateSide;
  const options = {
    hosts: num(flags, 'hosts', 1000, true),
    seconds: num(flags, 'seconds', 180),
    intervalS,
    warmupS: num(flags, 'warmup', 2 * intervalS),
    sequential: bool(flags, 'sequential'),
    prometheus: !noPrometheus,
    engine: engine as 'fleetdeck' | 'raw',
    sources: sources as Array<'monit' | 'node_exporter'>,
    profile: bool(flags, 'heap-profile') ? ('heap' as const) : bool(flags, 'profile') ? ('cpu' as const) : null,
    history: bool(flags, 'history'),
    keep: bool(flags, 'keep'),
    private: privateSide,
    repoRoot: repoRoot(),
  };
  if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].map((f) => `--${f}`).join(', ')} (hosts ≤ ${MAX_HOSTS})\n${POLL_USAGE}`);
  return runPoll(options);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
