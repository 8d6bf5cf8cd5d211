import { defineConfig } from 'vite';

// The renderer is built to dist/renderer with relative asset paths, so the same files load from
// file:// in Electron and from the browser-mode server.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1' },
});
