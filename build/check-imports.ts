// The import rules of DESIGN.md, checked on every `npm test` so that they stay true:
//   shared/   imports nothing outside shared/ but zod (pure TypeScript: no DOM, no Node)
//   renderer/ imports shared/ and its own files and browser packages; no Node built-ins, no electron
//   electron/ never imports renderer/, and its folder says where a file runs:
//     core/     plain Node (the services, the contract's implementation): never imports `electron`,
//               desktop/ or serve/, so browser mode, tests and benchmarks run it without Electron
//     serve/    browser mode: imports core/, never `electron` or desktop/
//     desktop/  the Electron app (main, preload, menu, IPC, safeStorage): the only importer of `electron`
//   e2e/      is imported by tests and e2e/ alone, never by what ships (test-only helpers live in
//             e2e/testbeds/)
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

type Area = 'shared' | 'renderer' | 'electron' | 'e2e' | 'build';
const AREAS: readonly Area[] = ['shared', 'renderer', 'electron', 'e2e', 'build'];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const SOURCE = /\.(ts|tsx|mts|cts)$/;
const TEST = /\.test\.tsx?$/;

/** The folders of electron/, each saying where its files run. */
const ELECTRON_PLACES = new Set(['core', 'serve', 'desktop']);
const STRAY_RULE = 'every electron/ file lives in core/ (plain Node), serve/ (browser mode) or desktop/ (Electron)';
/** The "specifier" of a violation of where a file lives rather than of one of its imports. */
const WHERE_IT_LIVES = '(where the file lives)';

export function checkImports(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const area of AREAS) {
    for (const file of walk(path.join(root, area))) {
      const text = fs.readFileSync(file, 'utf8');
      const from = path.relative(root, file).split(path.sep).join('/');
      // Where a file lives is checked once per file, so a file that imports nothing is checked too.
      if (area === 'electron' && !ELECTRON_PLACES.has(from.split('/')[1] ?? '') && from !== 'electron/tsconfig.json') {
        violations.push({ file: from, line: 1, specifier: WHERE_IT_LIVES, rule: STRAY_RULE });
      }
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
  const testCode = isTest || area === 'e2e';

  if (inside('e2e') && !testCode) return 'only tests and e2e/ import e2e/ (test-only helpers live in e2e/testbeds/)';
  switch (area) {
    case 'shared':
      if (target !== null) return inside('shared') ? null : 'shared/ imports nothing outside shared/';
      return spec === 'zod' ? null : 'shared/ may import only zod among packages (no Node, no DOM libraries)';
    case 'renderer':
      if (target !== null) {
        if (inside('renderer') || inside('shared') || (isTest && inside('e2e'))) return null;
        return 'renderer/ imports only shared/ and its own files';
      }
      if (NODE_BUILTINS.has(spec)) return 'renderer/ never imports Node built-ins';
      if (isElectron) return 'renderer/ never imports electron (use the client)';
      return null;
    case 'electron': {
      if (inside('renderer')) return 'electron/ never imports renderer/';
      const place = from.split('/')[1] ?? '';
      if (!ELECTRON_PLACES.has(place)) return null; // reported once for the file (checkImports)
      if (place === 'desktop') return null;
      if (isElectron) return `${place}/ never imports electron (it runs in plain Node); only electron/desktop/ may`;
      // A test may exercise a desktop module beside the core one it plugs into (secrets.test.ts).
      if (inside('electron/desktop') && !isTest) return `${place}/ never imports electron/desktop/ (it needs Electron)`;
      if (place === 'core' && inside('electron/serve') && !isTest) return 'core/ never imports electron/serve/ (browser mode builds on the core, not the other way)';
      if (place === 'core' && target !== null && inside('electron/core') && !isTest) return featureReach(from, target);
      return null;
    }
    case 'e2e':
    case 'build':
      return null;
  }
}

/** Folders of the core that every feature shares and that know no feature: the concurrency limiter
 * and parse errors (common/), the HTTP client (http/). */
const CORE_HELPERS = new Set(['common', 'http']);

/** Inside the core, one feature (a folder of electron/core/) uses another only through the files at
 * the top of that feature's folder; its subfolders (status/sources/, deploy/run/,
 * history/migrations/) are its own business. The shared helpers import no feature. */
function featureReach(from: string, target: string): string | null {
  const fromFeature = from.split('/')[2] as string;
  const parts = target.split('/');
  const toFeature = parts[2] as string;
  if (fromFeature === toFeature) return null;
  if (CORE_HELPERS.has(fromFeature) && !CORE_HELPERS.has(toFeature) && parts.length > 3) {
    return `core/${fromFeature}/ is shared by every feature and imports none (it imported core/${toFeature}/)`;
  }
  if (parts.length > 4) return `core/${fromFeature} reaches into core/${parts.slice(2, 4).join('/')}/, inside another feature: use what core/${toFeature}/ offers at its top level`;
  return null;
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
  console.log('import rules: ok (shared/ pure, renderer/ without Node or electron, electron/ without renderer/, core/ and serve/ without electron or desktop/, core/ without serve/, core features through their top level, e2e/ imported by tests only)');
}
