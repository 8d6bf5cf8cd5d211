// `npm run demo`: a 5-host test fleet on loopback plus the console in browser mode on it, and (as
// root, where `ip netns` works) environment "private": bastion-1 and two hosts behind it that only
// SSH through the bastion reaches, with the sample app on them as app "intranet"; with
// --prometheus, a Prometheus scraping that fleet and a fleet file that reads the status from it.
// Ctrl-C, SIGTERM and a closed terminal (SIGHUP) stop the console and every process of the fleet.
//
// package.json runs this with `node --import tsx`, not the tsx CLI: the CLI relays a signal to its
// child and, when the child does not acknowledge it within a few milliseconds (it is busy stopping
// daemons), kills it with SIGKILL, which cut the fleet's shutdown short and left every daemon running.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fleetDown, fleetUp, privateNetUnavailable } from './fleet/fleet';
import { startDemoPrometheus, type DemoPrometheus } from './demoPrometheus';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '5' },
    dir: { type: 'string', default: '.fleet' },
    port: { type: 'string', default: process.env.FLEETDECK_PORT ?? '7400' },
    host: { type: 'string' },
    /** Host i at hostAddress(first-index + i); default 0, 127.0.10.1 upward. */
    'first-index': { type: 'string', default: '0' },
    /** A Prometheus scraping the fleet, 7 days backfilled, and a fleet file that reads it. */
    prometheus: { type: 'boolean', default: false },
    /** Hosts behind the bastion (0: none); left out, with a line saying why, where the machine cannot. */
    private: { type: 'string', default: '2' },
  },
});
const dir = path.resolve(values.dir);

// After the terminal closed, writing to it fails (EIO): that must not stop the shutdown.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
const say = (line: string): void => {
  try {
    console.log(line);
  } catch {
    // no terminal left to tell
  }
};

let stopping = false;
/** fleetUp holds the fleet dir's lock: a signal while it runs stops the fleet once it returns. */
let starting = true;
let stopWhenStarted: (() => void) | null = null;
let serve: ReturnType<typeof spawn> | null = null;
let prometheus: DemoPrometheus | null = null;

/** Stops the console and the fleet once; a second Ctrl-C (npm forwards the terminal's own one
 * again) or the console's exit while this runs must not cut it short. */
async function stop(code: number, why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`demo: ${why}; stopping the console and the fleet…`);
  if (starting) await new Promise<void>((resolve) => (stopWhenStarted = resolve));
  try {
    await stopConsole();
    await prometheus?.stop();
    const { stopped, children } = await fleetDown(dir);
    say(`demo: stopped the console and ${stopped} fleet processes${children ? ` (and ${children} of their children)` : ''}.`);
  } catch (error) {
    say(`demo: could not stop everything: ${error instanceof Error ? error.message : String(error)} (npm run fleet -- down --dir ${dir} tries again)`);
    code = code || 1;
  }
  process.exit(code);
}

/** SIGTERM to the console and a wait for it to go (SIGKILL after 5 s), so "stopped" is true. */
async function stopConsole(): Promise<void> {
  const child = serve;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
// Handlers first, so a signal during the build or while the fleet starts stops what was started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0, `${signal} received`));

say('demo: building the console…');
if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const wantedPrivate = Number(values.private);
// Prometheus scrapes from this machine's own network, which has no route to the hosts behind the bastion.
const noPrivateNet = wantedPrivate <= 0 ? null : values.prometheus ? 'Prometheus would have no route to them' : privateNetUnavailable();
if (noPrivateNet) say(`demo: no hosts behind a bastion (environment "private"): ${noPrivateNet}; the demo runs without them.`);
const privateHosts = noPrivateNet ? 0 : wantedPrivate;
say(`demo: starting ${values.hosts} test hosts${privateHosts ? `, bastion-1 and ${privateHosts} behind it,` : ''} in ${dir}…`);
// The sample app deploys to staging first; Releases then offers to promote it to production.
let fleet: Awaited<ReturnType<typeof fleetUp>> | null = null;
try {
  fleet = await fleetUp({ hosts: Number(values.hosts), dir, firstIndex: Number(values['first-index']), sampleApp: true, appStages: ['staging', 'production'], privateHosts });
  if (values.prometheus) {
    say('demo: starting Prometheus (7 days backfilled) scraping the fleet…');
    prometheus = await startDemoPrometheus(dir, fleet);
    say(`demo: Prometheus at ${prometheus.url}`);
  }
} catch (error) {
  say(`demo: the fleet did not start: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1, 'stopping what did start');
} finally {
  starting = false;
  (stopWhenStarted as (() => void) | null)?.();
}
if (fleet && !stopping) {
  const behind = fleet.private ? `; behind ${fleet.private.bastion.name} (${fleet.private.bastion.address}): ${fleet.private.hosts.map((h) => `${h.name}=${h.address}`).join(', ')}` : '';
  say(`demo: fleet file ${prometheus?.fleetFile ?? fleet.fleetFile}; hosts ${fleet.hosts.map((h) => `${h.name}=${h.address}`).join(', ')}${behind}`);
  // The demo keeps its history beside its fleet, not in the user's Fleetdeck folder.
  const args = ['dist/electron/serve.cjs', '--fleet', prometheus?.fleetFile ?? fleet.fleetFile, '--data-dir', path.join(dir, 'data'), '--port', values.port];
  if (values.host) args.push('--host', values.host);
  serve = spawn(process.execPath, args, { stdio: 'inherit' });
  serve.on('exit', (code) => void stop(code ?? 0, 'the console exited'));
  if (fleet.private) say(`demo: to see a partition, cut the private hosts' link: npm run fleet -- link private down --dir ${dir} (up mends it)`);
  say('demo: open the Fleetdeck URL the console prints. Ctrl-C stops the console and the fleet.');
}
