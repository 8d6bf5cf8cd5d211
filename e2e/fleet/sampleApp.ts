// The app the deploy tests ship: a tiny Node HTTP server (no dependencies) in a local git
// repository with several commits — v1, v2, v3 whose /health answers 500, v4 — and the restart
// script a deploy runs on each host. On a test host it listens on the host's own address
// (FLEETDECK_ADDRESS, set by its sshd) port 8080, with its pid under the app's shared/tmp/pids.
// Every version's /health answers 500 while <deploy_to>/shared/health-500 exists: the fault
// drill's way to fail a health gate at any moment.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, readProcStat, stopProcesses } from './procs';

export const SAMPLE_APP_PORT = 8080;
export const SAMPLE_APP_VERSIONS = ['v1', 'v2', 'v3-broken', 'v4'] as const;

const server = (version: string, healthy: boolean): string => `// Sample app ${version} for Fleetdeck's deploy tests.
const http = require('node:http');
const fs = require('node:fs');
const release = (() => { try { return fs.readFileSync(__dirname + '/REVISION', 'utf8').trim(); } catch { return 'unknown'; } })();
http
  .createServer((req, res) => {
    if (req.url === '/health' && fs.existsSync(__dirname + '/../../shared/health-500')) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('shared/health-500 is there: failing on purpose\\n');
      return;
    }
    if (req.url === '/health') {
      res.writeHead(${healthy ? 200 : 500}, { 'content-type': 'text/plain' }).end(${JSON.stringify(healthy ? 'ok\n' : 'database unreachable\n')});
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('sample app ${version} at ' + release + ' on ' + (process.env.FLEETDECK_HOST || '?') + '\\n');
  })
  .listen(${SAMPLE_APP_PORT}, process.env.FLEETDECK_ADDRESS || '127.0.0.1');
`;

/** Restarts the app of the current release: run from the release folder (deploy_to/current). */
const RESTART = `#!/bin/sh
# Stops the running app (pid file in shared/), starts this release's server.js in the background.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
shared="$here/../../shared"
mkdir -p "$shared/tmp/pids" "$shared/log"
pidfile="$shared/tmp/pids/app.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")"
  # Gone means gone or a zombie: here PID 1 reaps orphans late, and a zombie holds no port.
  pid=$(cat "$pidfile"); i=0
  while [ -d "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
fi
cd "$here"
nohup node server.js >> "$shared/log/app.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
`;

/** Creates (once) the sample app's git repository at dir; returns the commit of each version. */
export function sampleAppRepo(dir: string): Record<(typeof SAMPLE_APP_VERSIONS)[number], string> {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Fleetdeck tests', GIT_AUTHOR_EMAIL: 'tests@fleetdeck.invalid', GIT_COMMITTER_NAME: 'Fleetdeck tests', GIT_COMMITTER_EMAIL: 'tests@fleetdeck.invalid' } }).trim();
  if (!existsSync(join(dir, '.git'))) {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    git('init', '-q', '-b', 'main');
    for (const version of SAMPLE_APP_VERSIONS) {
      writeFileSync(join(dir, 'server.js'), server(version, !version.includes('broken')));
      writeFileSync(join(dir, 'bin', 'restart'), RESTART, { mode: 0o755 });
      writeFileSync(join(dir, 'VERSION'), `${version}\n`);
      // CommonJS said outright: a release unpacked below an ES-module project (the demo keeps its
      // fleet in the repo, whose package.json says "type": "module") is otherwise loaded as ESM,
      // where require() does not exist, and every deploy fails its health check.
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'sample-app', version: version.replace(/^v(\d+).*/, '$1.0.0'), private: true, type: 'commonjs' }, null, 2)}\n`);
      git('add', '-A');
      git('commit', '-q', '-m', `sample app ${version}`);
      git('tag', version);
    }
  }
  return Object.fromEntries(SAMPLE_APP_VERSIONS.map((v) => [v, git('rev-parse', `${v}^{commit}`)])) as Record<(typeof SAMPLE_APP_VERSIONS)[number], string>;
}

/**
 * Stops sample apps a fleet's hosts still run (deployed apps outlive the SSH session that
 * started them): every pid file under <host>/home/**\/shared/tmp/pids whose process runs from
 * inside that host's folder.
 */
export async function stopSampleApps(hostDirs: readonly string[]): Promise<number> {
  const procs = [];
  for (const hostDir of hostDirs) {
    for (const pidfile of findPidFiles(join(hostDir, 'home'), 5)) {
      const pid = Number(readFileSync(pidfile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      const stat = readProcStat(pid);
      let cwd = '';
      try {
        cwd = execFileSync('readlink', [`/proc/${pid}/cwd`], { encoding: 'utf8' }).trim();
      } catch {
        continue;
      }
      // Its command line is just `node server.js`: the working folder says whose it is.
      const proc = { pid, startTime: stat?.startTime ?? null };
      if (cwd.startsWith(hostDir) && isRunning(proc)) procs.push(proc);
    }
  }
  const left = await stopProcesses(procs);
  return procs.length - left.length;
}

function findPidFiles(dir: string, depth: number): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) found.push(...findPidFiles(path, depth - 1));
    else if (entry.isFile() && entry.name.endsWith('.pid') && dir.endsWith(join('tmp', 'pids'))) found.push(path);
  }
  return found;
}
