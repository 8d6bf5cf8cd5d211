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
  write('shared/bad.ts', "import fs from 'node:fs';\nimport { y } from '../electron/core/core';\n");
  write('shared/ok.test.ts', "import { it } from 'vitest';\n");
  write('renderer/good.tsx', "import { create } from 'zustand';\nimport type { Host } from '../shared/fleet/model';\n");
  write('renderer/bad.ts', "import { ipcRenderer } from 'electron';\nconst p = require('path');\nexport const m = import('../electron/core/core');\n");
  write('electron/core/bad.ts', "export { App } from '../../renderer/views/App';\n");
  write('electron/core/good.ts', "import fs from 'node:fs';\nimport { api } from '../../shared/api';\n");
  // Every electron/ file says by its folder where it runs.
  write('electron/stray.ts', "import fs from 'node:fs';\nimport { x } from './other';\n");
  write('electron/empty.ts', 'export const nothing = 0;\n');
  // Only desktop/ imports electron; core/ and serve/ never import desktop/; core/ never imports serve/.
  write('electron/desktop/main.ts', "import { app } from 'electron';\nimport { startCore } from '../core/core';\n");
  write('electron/desktop/ipc.ts', "import type { MessagePortMain } from 'electron';\n");
  write('electron/desktop/window-state.test.ts', "import type { Rectangle } from 'electron';\n");
  write('electron/core/core.ts', "import { safeStorage } from 'electron';\n");
  write('electron/core/ssh/pool.ts', "const { app } = require('electron');\nexport type P = typeof import('electron/main');\n");
  write('electron/core/ssh/secrets.ts', "import { open } from '../../desktop/safeStorageSecrets';\n");
  write('electron/core/ssh/secrets.test.ts', "import { open } from '../../desktop/safeStorageSecrets';\n");
  write('electron/core/transport/coreApi.ts', "import { server } from '../../serve/server';\n");
  write('electron/serve/server.ts', "import { startCore } from '../core/core';\nimport { menu } from '../desktop/menu';\n");
  write('electron/serve/auth.ts', "import { dialog } from 'electron';\n");
  // Inside the core a feature uses another's top-level files only; common/ and http/ know no feature.
  write('electron/core/status/statusService.ts', "import { monit } from './sources/monit';\nimport { Semaphore } from '../common/semaphore';\n");
  write('electron/core/deploy/healthGate.ts', "import { httpGet } from '../http/httpGet';\nimport type { TunnelFor } from '../status/via';\n");
  write('electron/core/history/prometheusHistory.ts', "import { isShown } from '../status/sources/nodeExporter';\n");
  write('electron/core/history/prometheusHistory.test.ts', "import { fixture } from '../status/sources/nodeExporter';\n");
  write('electron/core/http/httpGet.ts', "import type { Tunnel } from '../status/via';\nimport { ParseError } from '../common/parseError';\n");
  // e2e/ is for tests: a test may start the fleet or use a test bed, production code may not.
  write('electron/core/ssh/pool.int.test.ts', "import { fleetUp } from '../../../e2e/fleet/fleet';\n");
  write('electron/core/status/probes.ts', "import { until } from '../../../e2e/until';\n");
  write('electron/core/deploy/deployService.ts', "import { bed } from '../../../e2e/testbeds/deployTestBed.ts';\n");
  write('renderer/state/store.ts', "import { until } from '../../e2e/until';\n");
  write('renderer/state/fleet.test.ts', "import { testFleet } from '../../e2e/testbeds/testFleet';\n");
  write('renderer/views/Fleet.tsx', "import { testFleet } from '../../e2e/testbeds/testFleet';\n");
  write('build/build.ts', "import { fleetUp } from '../e2e/fleet/fleet';\n");
  write('e2e/demo.ts', "import { fleetUp } from './fleet/fleet';\nimport { bed } from './testbeds/deployTestBed';\n");
  write('e2e/testbeds/deployTestBed.ts', "import { DeployRunner } from '../../electron/core/deploy/deployRunner';\n");

  const found = checkImports(root).map((v) => `${v.file}:${v.line} ${v.specifier}`).sort();

  it('flags every broken rule with file and line, and nothing else', () => {
    expect(found).toEqual([
      'build/build.ts:1 ../e2e/fleet/fleet',
      'electron/core/bad.ts:1 ../../renderer/views/App',
      'electron/core/core.ts:1 electron',
      'electron/core/deploy/deployService.ts:1 ../../../e2e/testbeds/deployTestBed.ts',
      'electron/core/history/prometheusHistory.ts:1 ../status/sources/nodeExporter',
      'electron/core/http/httpGet.ts:1 ../status/via',
      'electron/core/ssh/pool.ts:1 electron',
      'electron/core/ssh/pool.ts:2 electron/main',
      'electron/core/ssh/secrets.ts:1 ../../desktop/safeStorageSecrets',
      'electron/core/status/probes.ts:1 ../../../e2e/until',
      'electron/core/transport/coreApi.ts:1 ../../serve/server',
      'electron/empty.ts:1 (where the file lives)',
      'electron/serve/auth.ts:1 electron',
      'electron/serve/server.ts:2 ../desktop/menu',
      'electron/stray.ts:1 (where the file lives)',
      'renderer/bad.ts:1 electron',
      'renderer/bad.ts:2 path',
      'renderer/bad.ts:3 ../electron/core/core',
      'renderer/state/store.ts:1 ../../e2e/until',
      'renderer/views/Fleet.tsx:1 ../../e2e/testbeds/testFleet',
      'shared/bad.ts:1 node:fs',
      'shared/bad.ts:2 ../electron/core/core',
    ]);
  });

  it('names the rule each new kind of violation breaks', () => {
    const rules = new Map(checkImports(root).map((v) => [`${v.file}:${v.line}`, v.rule]));
    expect(rules.get('electron/core/core.ts:1')).toMatch(/^core\/ never imports electron/);
    expect(rules.get('electron/serve/auth.ts:1')).toMatch(/^serve\/ never imports electron/);
    expect(rules.get('electron/core/ssh/secrets.ts:1')).toBe('core/ never imports electron/desktop/ (it needs Electron)');
    expect(rules.get('electron/serve/server.ts:2')).toBe('serve/ never imports electron/desktop/ (it needs Electron)');
    expect(rules.get('electron/core/transport/coreApi.ts:1')).toMatch(/^core\/ never imports electron\/serve\//);
    expect(rules.get('electron/core/history/prometheusHistory.ts:1')).toMatch(/^core\/history reaches into core\/status\/sources\//);
    expect(rules.get('electron/core/http/httpGet.ts:1')).toMatch(/^core\/http\/ is shared by every feature and imports none/);
    expect(rules.get('electron/stray.ts:1')).toMatch(/^every electron\/ file lives in core\//);
    expect(rules.get('electron/core/status/probes.ts:1')).toMatch(/^only tests and e2e\/ import e2e\//);
    expect(rules.get('renderer/views/Fleet.tsx:1')).toMatch(/^only tests and e2e\/ import e2e\//);
  });
});
