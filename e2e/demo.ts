// `npm run demo`: a 5-host test fleet on loopback plus the console in browser mode on it.
// Ctrl-C stops the console and every process of the fleet.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fleetDown, fleetUp } from './fleet/fleet';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '5' },
    dir: { type: 'string', default: '.fleet' },
    port: { type: 'string', default: process.env.FLEETDECK_PORT ?? '7400' },
    host: { type: 'string' },
  },
});
const dir = path.resolve(values.dir);

console.log('demo: building the console…');
if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);

console.log(`demo: starting ${values.hosts} test hosts in ${dir}…`);
// The sample app deploys to staging first; Releases then offers to promote it to production.
const fleet = await fleetUp({ hosts: Number(values.hosts), dir, sampleApp: true, appStages: ['staging', 'production'] });
console.log(`demo: fleet file ${fleet.fleetFile}; hosts ${fleet.hosts.map((h) => `${h.name}=${h.address}`).join(', ')}`);

// The demo keeps its history beside its fleet, not in the user's Fleetdeck folder.
const args = ['dist/electron/serve.cjs', '--fleet', fleet.fleetFile, '--data-dir', path.join(dir, 'data'), '--port', values.port];
if (values.host) args.push('--host', values.host);
const serve = spawn(process.execPath, args, { stdio: 'inherit' });
console.log('demo: open the Fleetdeck URL the console prints. Ctrl-C stops the console and the fleet.');

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (serve.exitCode === null) serve.kill('SIGTERM');
    const { stopped } = await fleetDown(dir);
    console.log(`demo: stopped the console and ${stopped} fleet processes.`);
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
serve.on('exit', (code) => void stop(code ?? 0));
