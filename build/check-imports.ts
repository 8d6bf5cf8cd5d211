// The import rules of DESIGN.md, checked on every `npm test` so that they stay true:
//   shared/   imports nothing outside shared/ but zod (pure TypeScript: no DOM, no Node)
//   renderer/ imports shared/ and its own files and browser packages; no Node built-ins, no electron
//   electron/ never imports renderer/
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

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const SOURCE = /\.(ts|tsx|mts|cts)$/;
const TEST = /\.test\.tsx?$/;

export function checkImports(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const area of ['shared', 'renderer', 'electron'] as const) {
    for (const file of walk(path.join(root, area))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
        const rule = broken(area, file, ref.fileName, root);
        if (rule) {
          const line = text.slice(0, ref.pos).split('\n').length;
          violations.push({ file: path.relative(root, file), line, specifier: ref.fileName, rule });
        }
      }
    }
  }
  return violations;
}

function broken(area: 'shared' | 'renderer' | 'electron', file: string, spec: string, root: string): string | null {
  const isTest = TEST.test(file);
  if (isTest && (spec === 'vitest' || spec.startsWith('@playwright/'))) return null;
  const relative = spec.startsWith('.');
  const target = relative ? path.resolve(path.dirname(file), spec) : null;
  const inside = (dir: string): boolean => target !== null && (target + path.sep).startsWith(path.join(root, dir) + path.sep);

  switch (area) {
    case 'shared':
      if (relative) return inside('shared') ? null : 'shared/ imports nothing outside shared/';
      return spec === 'zod' ? null : 'shared/ may import only zod among packages (no Node, no DOM libraries)';
    case 'renderer':
      if (relative) return inside('renderer') || inside('shared') ? null : 'renderer/ imports only shared/ and its own files';
      if (NODE_BUILTINS.has(spec)) return 'renderer/ never imports Node built-ins';
      if (spec === 'electron' || spec.startsWith('electron/')) return 'renderer/ never imports electron (use the client)';
      return null;
    case 'electron':
      if (relative && inside('renderer')) return 'electron/ never imports renderer/';
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
    console.error(`import rules: ${violations.length} violation(s); see DESIGN.md "Folders".`);
    process.exit(1);
  }
  console.log('import rules: ok (shared/ pure, renderer/ without Node or electron, electron/ without renderer/)');
}
