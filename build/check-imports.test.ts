import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImports } from './check-imports';

// A throwaway tree with one file that keeps each rule and one that breaks it.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-imports-'));
const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('checkImports', () => {
  write('shared/good.ts', "import { z } from 'zod';\nimport { x } from './other';\n");
  write('shared/bad.ts', "import fs from 'node:fs';\nimport { y } from '../electron/core';\n");
  write('shared/ok.test.ts', "import { it } from 'vitest';\n");
  write('renderer/good.tsx', "import { create } from 'zustand';\nimport type { Host } from '../shared/fleet/model';\n");
  write('renderer/bad.ts', "import { ipcRenderer } from 'electron';\nconst p = require('path');\nexport const m = import('../electron/core');\n");
  write('electron/bad.ts', "export { App } from '../renderer/views/App';\n");
  write('electron/good.ts', "import { app } from 'electron';\nimport fs from 'node:fs';\nimport { api } from '../shared/api';\n");

  const found = checkImports(root).map((v) => `${v.file}:${v.line} ${v.specifier}`).sort();

  it('flags every broken rule with file and line, and nothing else', () => {
    expect(found).toEqual([
      'electron/bad.ts:1 ../renderer/views/App',
      'renderer/bad.ts:1 electron',
      'renderer/bad.ts:2 path',
      'renderer/bad.ts:3 ../electron/core',
      'shared/bad.ts:1 node:fs',
      'shared/bad.ts:2 ../electron/core',
    ]);
  });
});
