// `npm run build`: the renderer with Vite into dist/renderer, and the Electron entry points
// (main, preload, launch, serve) with esbuild into dist/electron as CommonJS, which is what
// Electron's sandboxed preload needs and what runs on every Node.
import { build as esbuild } from 'esbuild';
import { existsSync } from 'node:fs';
import { build as vite } from 'vite';

// Entry name (dist/electron/<name>.cjs) → source. The folder says where a file runs: desktop/ needs
// Electron, serve/ is browser mode, core/ is plain Node and imported by both.
const ENTRIES: Record<string, string> = {
  main: 'electron/desktop/main.ts',
  preload: 'electron/desktop/preload.ts',
  launch: 'electron/desktop/launch.ts',
  serve: 'electron/serve/serve.ts',
};
const entries = Object.keys(ENTRIES).filter((name) => existsSync(ENTRIES[name] as string));

const started = Date.now();
await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
await esbuild({
  entryPoints: Object.fromEntries(entries.map((name) => [name, ENTRIES[name] as string])),
  outdir: 'dist/electron',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // npm packages stay in node_modules (electron-builder ships the production ones); electron is
  // provided by the runtime.
  packages: 'external',
  external: ['electron'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log(`built dist/renderer and dist/electron (${entries.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
