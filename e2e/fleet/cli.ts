// `npm run fleet -- up --hosts N [--dir D] [--no-node-exporter]`, `down [--dir D]`, `status [--dir D]`,
// `link private|bastion down|up [--dir D]`.
// A thin wrapper over fleet.ts that prints what happened and where the fleet file is.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fleetDown, fleetStatus, fleetUp, setPrivateLink, type FleetProgress } from './fleet';
import { readRecordedOptions, upOptions } from './recordedOptions';

const USAGE = `usage:
  fleet up [--hosts N] [--dir D] [--no-node-exporter] [--first-index I] [--stages a,b] [--concurrency C] [--monit-interval S] [--private M]
  fleet down [--dir D]
  fleet status [--dir D]
  fleet link private|bastion down|up [--dir D]
The default dir is .fleet in the repo root. On a dir brought up before (e.g. by npm run demo), up
keeps what it was brought up with (hosts, addresses, the sample app's stages) unless a flag says
otherwise; on a new dir it starts 3 hosts with the sample app.
--private M (root only) adds bastion-1 and M hosts priv-1 … behind it, on a private network
(198.18.0.0/15, network namespaces) that this machine reaches only through the bastion's sshd.
link cuts (down) or mends (up) a link of that network: private, the one between the bastion and the
hosts behind it; bastion, the one between this machine and the bastion.`;

interface Args {
  command: string;
  /** The words after the command that are not flags (link's which and state). */
  words: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Args {
  const [command = '', ...rest] = argv;
  const flags = new Map<string, string | true>();
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (!arg.startsWith('--')) {
      if (command !== 'link') throw new Error(`unexpected argument ${arg}`);
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (arg.startsWith('--no-')) flags.set(arg.slice(2), true);
    else {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  return { command, words, flags };
}

function intFlag(flags: Args['flags'], name: string): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value === true || !Number.isInteger(n)) throw new Error(`--${name} needs an integer`);
  return n;
}

/** The repo root is the nearest dir up from here holding the fleetdeck package.json. */
function repoRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fleetdeck') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

const show = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

async function up(flags: Args['flags'], dir: string): Promise<void> {
  // On a dir brought up before (the demo's), its stages, addresses and interval stay as they were
  // unless a flag says otherwise: the fleet file's apps must not change under a running console.
  const stages = flags.get('stages');
  if (stages === true) throw new Error('--stages needs a value');
  const wanted = upOptions(
    { hosts: intFlag(flags, 'hosts'), firstIndex: intFlag(flags, 'first-index'), nodeExporter: flags.get('no-node-exporter') === true ? false : undefined, appStages: stages?.split(',').filter(Boolean) },
    readRecordedOptions(dir),
  );
  const hosts = wanted.hosts;
  const started = Date.now();
  // Each host on its own line for small fleets; a progress line every ~5% for big ones.
  const step = hosts <= 20 ? 1 : Math.ceil(hosts / 20);
  const onProgress = (e: FleetProgress) => {
    if (e.type !== 'host') return console.log(`${e.type === 'warn' ? 'warning: ' : ''}${e.message}`);
    if (hosts <= 20) {
      const parts = [e.started.length ? `started ${e.started.join(', ')}` : '', e.restarted.length ? `restarted ${e.restarted.join(', ')}` : '', e.reused.length ? `already running ${e.reused.join(', ')}` : ''];
      console.log(`  ${e.host.name.padEnd(8)} ${e.host.address.padEnd(15)} ${parts.filter(Boolean).join('; ')}`);
    } else if (e.done % step === 0 || e.done === e.total) {
      console.log(`  ${e.done}/${e.total} hosts up (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  };
  console.log(`starting ${hosts} host(s) in ${show(dir)} …`);
  const options: Parameters<typeof fleetUp>[0] = { ...wanted, dir, onProgress };
  const concurrency = intFlag(flags, 'concurrency');
  const monitInterval = intFlag(flags, 'monit-interval');
  const privateHosts = intFlag(flags, 'private');
  if (privateHosts !== undefined) options.privateHosts = privateHosts;
  if (concurrency !== undefined) options.concurrency = concurrency;
  if (monitInterval !== undefined) options.monitInterval = monitInterval;
  const fleet = await fleetUp(options);
  const status = fleetStatus(dir);
  console.log(`fleet of ${fleet.hosts.length} host(s) up in ${((Date.now() - started) / 1000).toFixed(1)} s; ${status.alive} processes running`);
  console.log(`  fleet file:  ${show(fleet.fleetFile)}`);
  console.log(`  ssh:         ssh -i ${show(fleet.identity)} -o UserKnownHostsFile=${show(fleet.knownHosts)} -p ${fleet.hosts[0]?.sshPort} ${fleet.user}@${fleet.hosts[0]?.address}`);
  console.log(`  monit:       http://${fleet.hosts[0]?.address}:${fleet.hosts[0]?.monitPort}/  (${fleet.monitUser} / ${show(join(dir, 'monit-password'))})`);
  if (fleet.private) console.log(`  private:     ${fleet.private.hosts.length} host(s) behind ${fleet.private.bastion.name} (${fleet.private.bastion.address}); ssh -J to reach them`);
  console.log(`  stop with:   npm run fleet -- down${dir === defaultDir() ? '' : ` --dir ${show(dir)}`}`);
}

async function down(dir: string): Promise<void> {
  const { stopped, children } = await fleetDown(dir);
  console.log(stopped || children ? `stopped ${stopped} process(es)${children ? ` and ${children} of their children` : ''} in ${show(dir)}` : `nothing running in ${show(dir)}`);
}

function status(dir: string): number {
  const s = fleetStatus(dir);
  if (s.hosts.length === 0) {
    console.log(`no fleet recorded in ${show(dir)}`);
    return 0;
  }
  for (const host of s.hosts) {
    const procs = host.procs.map((p) => `${p.kind} ${p.pid}${p.alive ? '' : ' (dead)'}`).join(', ');
    console.log(`  ${host.name.padEnd(8)} ${host.address.padEnd(15)} ${procs || 'nothing started'}`);
  }
  console.log(`${s.alive} running, ${s.dead} dead${s.fleetFile ? `; fleet file ${show(s.fleetFile)}` : ''}`);
  return s.dead > 0 ? 1 : 0;
}

const defaultDir = () => join(repoRoot(), '.fleet');

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const { command, words, flags } = parseArgs(process.argv.slice(2));
  const dirFlag = flags.get('dir');
  if (dirFlag === true) throw new Error('--dir needs a value');
  const dir = dirFlag ? resolve(dirFlag) : defaultDir();
  switch (command) {
    case 'up':
      try {
        await up(flags, dir);
      } catch (error) {
        const hint = `(whatever was started is recorded in ${show(join(dir, 'fleet-state.json'))}; \`npm run fleet -- down\` stops it)`;
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${hint}`);
      }
      return 0;
    case 'down':
      await down(dir);
      return 0;
    case 'status':
      return status(dir);
    case 'link': {
      const [which, state] = words;
      if ((which !== 'private' && which !== 'bastion') || (state !== 'down' && state !== 'up') || words.length !== 2) throw new Error(`link needs private|bastion and down|up, got ${words.join(' ') || 'nothing'}`);
      setPrivateLink(dir, which, state === 'up');
      console.log(`the ${which === 'private' ? "private hosts' link to the bastion" : "link to the bastion"} is ${state} in ${show(dir)}`);
      return 0;
    }
    default:
      console.log(USAGE);
      return command === '' || command === 'help' ? 0 : 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fleet: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
