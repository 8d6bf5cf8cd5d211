import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

// Serves the built renderer (dist/renderer). Only files inside that folder, never a path that
// climbs out of it; unknown paths without an extension get index.html (the app's own routes).

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Serves `pathname` (already percent-decoded: electron/serve/requestTarget.ts) from `root`. */
export function serveStatic(root: string, pathname: string, res: ServerResponse, headers: Record<string, string>): void {
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Fleetdeck: the renderer is not built (${index} is missing). Run \`npm run build\`, then reload.\n`);
    return;
  }
  const file = fileToServe(root, pathname);
  if (file === null) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  const isIndex = file === fs.realpathSync(index);
  // Read whole and sent in one write: streamed, the 1 MB bundle took a turn of the event loop per
  // 64 kB, and a console starting to poll 10,000 hosts has few turns to spare (the page's load
  // waited on it: docs/benchmarks.md, "The cluster map"). The files are the renderer's, a few MB.
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch {
    // Gone between the look and the read: this response ends, not the process.
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    // Hashed assets never change; the page itself must be fetched anew to find new ones.
    'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  res.end(body);
}

/** The real file for a path: inside the real root (symlinks resolved), index.html for the app's
 * own routes, or null. */
function fileToServe(root: string, pathname: string): string | null {
  const realRoot = fs.realpathSync(root);
  const inside = (file: string): boolean => file === realRoot || file.startsWith(realRoot + path.sep);
  const asked = path.resolve(realRoot, '.' + pathname);
  if (!inside(asked)) return null;
  let real: string | null;
  try {
    real = fs.realpathSync(asked);
  } catch {
    real = null;
  }
  if (real !== null && !inside(real)) return null;
  if (real === null || fs.statSync(real).isDirectory()) {
    return path.extname(pathname) ? null : fs.realpathSync(path.join(realRoot, 'index.html'));
  }
  return real;
}
