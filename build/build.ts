// `npm run build`: the renderer with Vite into dist/renderer, and the Electron entry points
// (main, preload, launch, serve) with esbuild into dist/electron as CommonJS, which is what
// Electron's sandboxed preload needs and what runs on every Node.
import { build as esbuild } from 'esbuild';
import { existsSync } from 'node:fs';
import { build as vite } from 'vite';

const entries = ['main', 'preload', 'launch', 'serve'].filter((name) => existsSync(`electron/${name}.ts`));

const started = Date.now();
await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
await esbuild({
  entryPoints: Object.fromEntries(entries.map((name) => [name, `electron/${name}.ts`])),
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
