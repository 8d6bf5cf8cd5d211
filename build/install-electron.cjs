// Runs as the project's postinstall. Electron's own install script (which downloads the
// Electron binary) is not allowed to run by npm (package.json `allowScripts`), because a
// failed download would make npm roll back the whole install. This script runs it instead
// and reports, so `npm ci` succeeds without the binary and still fetches it where it can.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const electronDir = path.join(__dirname, '..', 'node_modules', 'electron');
const installer = path.join(electronDir, 'install.js');

function main() {
  if (!fs.existsSync(installer)) {
    console.log('fleetdeck: electron is not installed (production install?); skipping the Electron binary.');
    return;
  }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    console.log('fleetdeck: ELECTRON_SKIP_BINARY_DOWNLOAD is set; not fetching the Electron binary. `npm start` will serve browser mode.');
    return;
  }
  const timeoutMs = Number(process.env.FLEETDECK_ELECTRON_TIMEOUT_MS || 180000);
  const result = spawnSync(process.execPath, [installer], {
    cwd: electronDir,
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: timeoutMs,
    encoding: 'utf8',
  });
  if (result.status === 0 && fs.existsSync(path.join(electronDir, 'path.txt'))) {
    console.log('fleetdeck: Electron binary installed; `npm start` opens the desktop window.');
    return;
  }
  const why = result.error ? result.error.message : (result.stderr || '').trim().split('\n')[0];
  console.log(
    'fleetdeck: could not fetch the Electron binary (' + (why || 'exit ' + result.status) + ').\n' +
      'fleetdeck: the install goes on without it: type checks, tests and browser mode work;\n' +
      'fleetdeck: `npm start` will serve browser mode. Retry later with `node build/install-electron.cjs`.',
  );
}

main();
