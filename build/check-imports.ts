// The import rules of DESIGN.md, checked on every `npm test` so that they stay true:
//   shared/   imports nothing outside shared/ but zod (pure TypeScript: no DOM, no Node)
//   renderer/ imports shared/ and its own files and browser packages; no Node built-ins, no electron
//   electron/ never imports renderer/; only the desktop files (DESKTOP) import `electron`: the rest
//             is the core, which runs in plain Node (browser mode, tests, benchmarks)
//   e2e/      is imported by tests and test-only code alone, never by what ships
//   test-only code (TEST_ONLY) is imported only by tests and e2e/
// It reads every import, export-from, require() and import() with TypeScript's own pre-parser.
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

/** The files that need Electron, until they get a folder of their own; every other electron/ file is the core. */
export const DESKTOP: readonly string[] = [
  'electron/main.ts',
  'electron/preload.ts',
  'electron/menu.ts',
  'electron/window-state.ts',
  'electron/launch.ts',
  'electron/transport/ipc.ts',
  'electron/ssh/safeStorageSecrets.ts',
];

/** Helpers for tests that still sit among production files: nothing that ships may import them. */
export const TEST_ONLY: readonly string[] = [
  'electron/browser/testClient.ts',
  'electron/deploy/deployServiceBed.ts',
  'electron/deploy/deployTestBed.ts',
  'electron/history/killNineWriter.ts',
  'electron/inventory/ansibleFixtures.ts',
  'renderer/state/testFleet.ts',
];

type Area = 'shared' | 'renderer' | 'electron' | 'e2e' | 'build';
const AREAS: readonly Area[] = ['shared', 'renderer', 'electron', 'e2e', 'build'];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const SOURCE = /\.(ts|tsx|mts|cts)$/;
const TEST = /\.test\.tsx?$/;

export function checkImports(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const area of AREAS) {
    for (const file of walk(path.join(root, area))) {
      const text = fs.readFileSync(file, 'utf8');
      const from = path.relative(root, file).split(path.sep).join('/');
      for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
        const rule = broken(area, from, ref.fileName);
        if (rule) {
          const line = text.slice(0, ref.pos).split('\n').length;
          violations.push({ file: from, line, specifier: ref.fileName, rule });
        }
      }
    }
  }
  return violations;
}

/** The rule `from` (a path relative to the root, with `/`) breaks by importing `spec`, if any. */
function broken(area: Area, from: string, spec: string): string | null {
  const isTest = TEST.test(from);
  if (isTest && (spec === 'vitest' || spec.startsWith('@playwright/'))) return null;
  // A relative import as a root-relative path without its extension ('electron/ssh/pool').
  const target = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(SOURCE, '') : null;
  const inside = (dir: string): boolean => target !== null && target.startsWith(`${dir}/`);
  const isElectron = spec === 'electron' || spec.startsWith('electron/');
  const testCode = isTest || area === 'e2e' || TEST_ONLY.includes(from);

  if (inside('e2e') && !testCode) return 'only tests and test-only code import e2e/';
  if (target !== null && TEST_ONLY.some((t) => t.replace(SOURCE, '') === target) && !testCode) {
    return 'test-only code is imported only by tests (*.test.ts) and e2e/';
  }
  switch (area) {
    case 'shared':
      if (target !== null) return inside('shared') ? null : 'shared/ imports nothing outside shared/';
      return spec === 'zod' ? null : 'shared/ may import only zod among packages (no Node, no DOM libraries)';
    case 'renderer':
      if (target !== null) return inside('renderer') || inside('shared') ? null : 'renderer/ imports only shared/ and its own files';
      if (NODE_BUILTINS.has(spec)) return 'renderer/ never imports Node built-ins';
      if (isElectron) return 'renderer/ never imports electron (use the client)';
      return null;
    case 'electron':
      if (inside('renderer')) return 'electron/ never imports renderer/';
      if (isElectron && !DESKTOP.includes(from.replace(TEST, '.ts'))) {
        return 'the core never imports electron (it runs in plain Node); only the desktop files in build/check-imports.ts DESKTOP may';
      }
      return null;
    case 'e2e':
    case 'build':
      return null;
  }
}

function* walk(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  const violations = checkImports(process.cwd());
  for (const v of violations) console.error(`${v.file}:${v.line}: imports "${v.specifier}": ${v.rule}`);
  if (violations.length > 0) {
    console.error(`import rules: ${violations.length} violation(s); see docs/architecture.md "Import rules".`);
    process.exit(1);
  }
  console.log('import rules: ok (shared/ pure, renderer/ without Node or electron, electron/ without renderer/, the core without electron, e2e/ and test-only code imported by tests only)');
}
