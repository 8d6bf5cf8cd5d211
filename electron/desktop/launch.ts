import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type * as Serve from '../serve/serve';

// `npm start` after the build (dist/electron/launch.cjs): the desktop window when the Electron
// binary is installed, else browser mode in this process, saying why. Arguments, exit code and
// signals pass through to Electron.
//
// The binary is found the way node_modules/electron/index.js finds it (path.txt, dist/, and
// ELECTRON_OVERRIDE_DIST_PATH), without requiring that file: when the binary is missing it starts
// a download, which we do not want as a side effect of `npm start`.

const APP_DIR = path.join(__dirname, '..', '..');

type Binary = { found: true; path: string } | { found: false; reason: string };

export function findElectronBinary(appDir: string, env: NodeJS.ProcessEnv = process.env): Binary {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [appDir] }));
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  let executable = '';
  try {
    executable = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8');
  } catch {
    if (!env.ELECTRON_OVERRIDE_DIST_PATH) return { found: false, reason: 'node_modules/electron/path.txt is missing: its download did not run or failed' };
  }
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron')
    : path.join(packageDir, 'dist', executable);
  return fs.existsSync(binary) ? { found: true, path: binary } : { found: false, reason: `${binary} does not exist` };
}

function runElectron(binary: string, args: string[]): void {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make Electron a plain Node
  const child = spawn(binary, [APP_DIR, ...args], { stdio: 'inherit', env, windowsHide: false });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const signal of signals) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`Fleetdeck: could not start Electron (${binary}): ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

function runBrowserMode(args: string[]): void {
  // serve.cjs beside this file, required at run time (not bundled in) by its built path.
  const serve = require(path.join(__dirname, 'serve.cjs')) as typeof Serve;
  serve.serveMain(args).catch((error: Error) => {
    console.error(`Fleetdeck: ${error.message}`);
    process.exit(1);
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const electron = findElectronBinary(APP_DIR);
  if (electron.found) {
    runElectron(electron.path, args);
  } else {
    console.log(
      `Fleetdeck: the Electron binary is not installed (${electron.reason}); starting browser mode instead. ` +
        'Run `node build/install-electron.cjs` on a machine with internet for the desktop window.',
    );
    runBrowserMode(args);
  }
}
