// `npm run check:package` (after `npm run build`): proves build/electron-builder.yml without
// downloading Electron. It packages the app for Linux with `--dir` around a placeholder Electron
// (a dummy executable and the few files electron-builder moves), then reads the app.asar it made:
// the built app and the production dependencies are in it, devDependencies and sources are not,
// native modules are unpacked, and the bundles' imports resolve from what was packaged.
// Options: --keep (leave the temporary folder and print where it is).
import * as asar from '@electron/asar';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONFIG = 'build/electron-builder.yml';
const ELECTRON_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
const REQUIRED_FILES = ['package.json', 'dist/renderer/index.html', 'dist/electron/main.cjs', 'dist/electron/preload.cjs'];
const REQUIRED_DEPENDENCIES = ['ssh2', 'ws', 'yaml', 'zod'];

interface Package {
  main?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const failures: string[] = [];
const notes: string[] = [];
const check = (ok: boolean, failure: string): void => {
  if (!ok) failures.push(failure);
};

function placeholderElectron(dir: string): void {
  // What electron-builder touches in an unpacked Electron for Linux: it copies the folder,
  // renames `electron` to the executable name, moves LICENSE, and writes into resources/.
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "placeholder Electron for build/check-package.ts"\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'placeholder\n');
  fs.writeFileSync(path.join(dir, 'version'), `${ELECTRON_VERSION}\n`);
  fs.writeFileSync(path.join(dir, 'locales', 'en-US.pak'), '');
}

function runElectronBuilder(electronDist: string, output: string): boolean {
  const cli = createRequire(path.join(ROOT, 'package.json')).resolve('electron-builder/cli.js');
  const args = [
    cli, '--linux', '--dir', '--publish', 'never', '--config', CONFIG,
    `-c.electronDist=${electronDist}`, `-c.electronVersion=${ELECTRON_VERSION}`,
    `-c.directories.output=${output}`,
  ];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const log = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) {
    console.error(log);
    failures.push(`electron-builder failed (${result.error?.message ?? `exit ${result.status}`}); its output is above`);
    return false;
  }
  return true;
}

/** Package names (not subpaths) of the bare require() calls in a CommonJS bundle. */
function bareRequires(file: string): Set<string> {
  const names = new Set<string>();
  for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
    if (!spec || spec.startsWith('node:') || builtinModules.includes(spec) || spec === 'electron') continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return names;
}

function main(): void {
  const keep = process.argv.includes('--keep');
  const pkg: Package = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const missingBuild = REQUIRED_FILES.filter((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missingBuild.length > 0) {
    console.error(`check:package: ${missingBuild.join(', ')} missing; run \`npm run build\` first.`);
    process.exit(1);
  }
  const dependencies = Object.keys(pkg.dependencies ?? {});
  for (const name of REQUIRED_DEPENDENCIES) check(dependencies.includes(name), `package.json: ${name} is not in dependencies`);

  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-package-'));
  const started = Date.now();
  try {
    const electronDist = path.join(temp, 'electron-dist');
    const output = path.join(temp, 'release');
    placeholderElectron(electronDist);
    if (!runElectronBuilder(electronDist, output)) return;

    const appDir = fs.readdirSync(output).find((name) => /^linux(-\w+)?-unpacked$/.test(name));
    if (!appDir) return void failures.push(`no linux-unpacked folder in ${output}`);
    const unpackedApp = path.join(output, appDir);
    const archive = path.join(unpackedApp, 'resources', 'app.asar');
    if (!fs.existsSync(archive)) return void failures.push('electron-builder made no resources/app.asar (is `asar: true` set?)');
    check(fs.existsSync(path.join(unpackedApp, 'fleetdeck')), 'the executable is not named fleetdeck (linux.executableName)');
    check(fs.existsSync(path.join(unpackedApp, 'resources', 'capistrano', 'fleetdeck_lock.rake')), 'resources/capistrano/fleetdeck_lock.rake (the Capistrano plugin) is missing');

    const entries = new Set(asar.listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/').replace(/^\//, '')));
    const has = (file: string): boolean => entries.has(file);

    for (const file of REQUIRED_FILES) check(has(file), `app.asar lacks ${file}`);
    const packaged: Package = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
    check(packaged.main === 'dist/electron/main.cjs' && has(packaged.main), `packaged package.json main is ${packaged.main}, not dist/electron/main.cjs`);

    for (const name of dependencies) check(has(`node_modules/${name}/package.json`), `app.asar lacks the dependency ${name}`);
    const devInside = Object.keys(pkg.devDependencies ?? {}).filter((name) => has(`node_modules/${name}/package.json`));
    check(devInside.length === 0, `app.asar holds devDependencies: ${devInside.join(', ')}`);
    for (const name of ['react', 'vite', 'typescript', 'electron']) check(!has(`node_modules/${name}/package.json`), `app.asar holds ${name}`);

    const strays = [...entries].filter(
      (file) =>
        !file.startsWith('node_modules/') &&
        !/^e2e\/screenshots(\/[^/]+\.png)?$/.test(file) &&
        (/^(electron|renderer|shared|e2e|build)\//.test(file) || file.endsWith('.map') || /\.tsx?$/.test(file)),
    );
    check(strays.length === 0, `app.asar holds sources or source maps: ${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''}`);

    // Help opens these with another program, so they must be outside the archive too.
    for (const file of ['README.md', 'docs/fleet-file.md', 'e2e/screenshots/fleet-light.png']) {
      check(has(file) && fs.existsSync(path.join(`${archive}.unpacked`, file)), `${file} (for Help) is not in app.asar.unpacked`);
    }

    // The bundles' imports must resolve to packaged modules (catches code importing a devDependency).
    for (const bundle of ['main', 'preload', 'launch', 'serve']) {
      const file = path.join(ROOT, 'dist', 'electron', `${bundle}.cjs`);
      if (!fs.existsSync(file)) continue;
      for (const name of bareRequires(file)) check(has(`node_modules/${name}/package.json`), `dist/electron/${bundle}.cjs requires ${name}, which is not packaged`);
    }

    const natives = [...entries].filter((file) => file.endsWith('.node'));
    for (const file of natives) {
      const stat = asar.statFile(archive, file) as { unpacked?: boolean };
      check(stat.unpacked === true && fs.existsSync(path.join(`${archive}.unpacked`, file)), `native module ${file} is not in app.asar.unpacked`);
    }
    notes.push(`${natives.length} native module(s)${natives.length ? `: ${natives.join(', ')}` : ' (none built: ssh2 runs on its JavaScript fallbacks)'}`);

    // Load the core's bundle and every dependency from an extracted copy, with no access to the
    // project's node_modules: the production tree must be complete on its own.
    const extracted = path.join(temp, 'extracted');
    asar.extractAll(archive, extracted);
    const probe = [
      `const r = require('node:module').createRequire(${JSON.stringify(path.join(extracted, 'package.json'))});`,
      `for (const name of ${JSON.stringify(dependencies)}) r(name);`,
      `require(${JSON.stringify(path.join(extracted, 'dist', 'electron', 'serve.cjs'))});`,
    ].join('\n');
    const loaded = spawnSync(process.execPath, ['-e', probe], { cwd: extracted, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
    check(loaded.status === 0, `the packaged core does not load on its own: ${(loaded.stderr || '').trim().split('\n').slice(0, 6).join(' | ')}`);

    const asarSize = fs.statSync(archive).size;
    notes.push(`app.asar ${(asarSize / 1024 / 1024).toFixed(1)} MB, ${entries.size} entries, ${dependencies.length} dependencies (${dependencies.join(', ')}) with ${countPackages(entries)} packages in all`);
  } finally {
    if (keep) console.log(`check:package: kept ${temp}`);
    else fs.rmSync(temp, { recursive: true, force: true });
    notes.push(`electron-builder on Node ${process.versions.node}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function countPackages(entries: Set<string>): number {
  return [...entries].filter((file) => /^(?:node_modules\/(?:@[^/]+\/)?[^/@]+\/)+package\.json$/.test(file)).length;
}

main();
for (const note of notes) console.log(`check:package: ${note}`);
if (failures.length > 0) {
  for (const failure of failures) console.error(`check:package: FAIL ${failure}`);
  process.exit(1);
}
console.log(`check:package: ok (${CONFIG}: app, production dependencies and nothing else in app.asar)`);
