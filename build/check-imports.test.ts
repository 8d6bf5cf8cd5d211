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
  write('electron/good.ts', "import fs from 'node:fs';\nimport { api } from '../shared/api';\n");
  // The core never imports electron; the desktop files (and their tests) do.
  write('electron/main.ts', "import { app } from 'electron';\nimport { startCore } from './core';\n");
  write('electron/transport/ipc.ts', "import type { MessagePortMain } from 'electron';\n");
  write('electron/window-state.test.ts', "import type { Rectangle } from 'electron';\n");
  write('electron/core.ts', "import { safeStorage } from 'electron';\n");
  write('electron/ssh/pool.ts', "const { app } = require('electron');\nexport type P = typeof import('electron/main');\n");
  // e2e/ is for tests: a test may start the fleet, production code may not.
  write('electron/ssh/pool.int.test.ts', "import { fleetUp } from '../../e2e/fleet/fleet';\n");
  write('electron/status/probes.ts', "import { until } from '../../e2e/until';\n");
  write('renderer/state/store.ts', "import { until } from '../../e2e/until';\n");
  write('build/build.ts', "import { fleetUp } from '../e2e/fleet/fleet';\n");
  write('e2e/demo.ts', "import { fleetUp } from './fleet/fleet';\nimport { bed } from '../electron/deploy/deployTestBed';\n");
  // Test-only code: imported by tests, e2e/ and other test-only code, never by what ships.
  write('electron/deploy/deployTestBed.ts', "import { fleetUp } from '../../e2e/fleet/fleet';\n");
  write('electron/deploy/deployRunner.int.test.ts', "import { bed } from './deployTestBed';\n");
  write('electron/deploy/deployService.ts', "import { bed } from './deployTestBed.ts';\n");
  write('electron/inventory/imports.ts', "export * from './ansibleFixtures';\n");
  write('renderer/state/fleet.test.ts', "import { testFleet } from './testFleet';\n");
  write('renderer/views/Fleet.tsx', "import { testFleet } from '../state/testFleet';\n");

  const found = checkImports(root).map((v) => `${v.file}:${v.line} ${v.specifier}`).sort();

  it('flags every broken rule with file and line, and nothing else', () => {
    expect(found).toEqual([
      'build/build.ts:1 ../e2e/fleet/fleet',
      'electron/bad.ts:1 ../renderer/views/App',
      'electron/core.ts:1 electron',
      'electron/deploy/deployService.ts:1 ./deployTestBed.ts',
      'electron/inventory/imports.ts:1 ./ansibleFixtures',
      'electron/ssh/pool.ts:1 electron',
      'electron/ssh/pool.ts:2 electron/main',
      'electron/status/probes.ts:1 ../../e2e/until',
      'renderer/bad.ts:1 electron',
      'renderer/bad.ts:2 path',
      'renderer/bad.ts:3 ../electron/core',
      'renderer/state/store.ts:1 ../../e2e/until',
      'renderer/views/Fleet.tsx:1 ../state/testFleet',
      'shared/bad.ts:1 node:fs',
      'shared/bad.ts:2 ../electron/core',
    ]);
  });

  it('names the rule each new kind of violation breaks', () => {
    const rules = new Map(checkImports(root).map((v) => [`${v.file}:${v.line}`, v.rule]));
    expect(rules.get('electron/core.ts:1')).toMatch(/^the core never imports electron/);
    expect(rules.get('electron/status/probes.ts:1')).toBe('only tests and test-only code import e2e/');
    expect(rules.get('renderer/views/Fleet.tsx:1')).toBe('test-only code is imported only by tests (*.test.ts) and e2e/');
  });
});
