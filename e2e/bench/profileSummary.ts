// Where the Fleetdeck child spends its CPU: reads a V8 .cpuprofile (node --cpu-prof), maps the
// bundle's positions back to the TypeScript sources through the bundle's source map, and sums
// self time by function, by source file and by npm package. Idle time is left out.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  what: string;
  ms: number;
  pct: number;
}

export interface ProfileReport {
  busyMs: number;
  wallMs: number;
  byFunction: ProfileRow[];
  byFile: ProfileRow[];
  byPackage: ProfileRow[];
}

function loadMap(bundleUrl: string): SourceMap | null {
  try {
    const path = bundleUrl.startsWith('file:') ? fileURLToPath(bundleUrl) : bundleUrl;
    return new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
  } catch {
    return null;
  }
}

export function summarizeProfile(file: string, repoRoot: string, top = 15): ProfileReport {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const maps = new Map<string, SourceMap | null>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    let where = url;
    let line = lineNumber + 1;
    if (url.endsWith('.cjs') || url.endsWith('.js')) {
      if (!maps.has(url)) maps.set(url, url.includes('/dist/bench/') ? loadMap(url) : null);
      const map = maps.get(url);
      const entry = map?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
      if (entry?.originalSource) {
        const base = url.startsWith('file:') ? dirname(fileURLToPath(url)) : dirname(url);
        where = resolve(base, entry.originalSource.replace(/^file:\/\//, ''));
        line = (entry.originalLine ?? 0) + 1;
      }
    }
    if (where.startsWith('file://')) where = fileURLToPath(where);
    const shown = where ? (where.startsWith('/') ? relative(repoRoot, where) : where) : '';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(shown)?.[1];
    const area = !shown ? `(${functionName.replace(/[()]/g, '') || 'native'})` : pkg ? `npm:${pkg}` : shown.startsWith('node:') ? 'node internals' : shown.split('/').slice(0, 2).join('/');
    add(byFunction, `${functionName || '(anonymous)'} ${shown ? `${shown}:${line}` : ''}`.trim(), us);
    add(byFile, shown || `(${functionName.replace(/[()]/g, '')})`, us);
    add(byPackage, area, us);
  }
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, us]) => ({ what, ms: Math.round(us / 100) / 10, pct: Math.round((1000 * us) / Math.max(1, busy)) / 10 }));
  return { busyMs: Math.round(busy / 1000), wallMs: Math.round((profile.endTime - profile.startTime) / 1000), byFunction: rows(byFunction), byFile: rows(byFile), byPackage: rows(byPackage) };
}

export function formatProfile(report: ProfileReport, file: string): string {
  const table = (title: string, rows: ProfileRow[]) =>
    [`  ${title}:`, ...rows.map((r) => `    ${r.pct.toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(7)} ms  ${r.what}`)].join('\n');
  return [
    `profile ${file}: ${report.busyMs} ms busy of ${report.wallMs} ms (self time; idle left out)`,
    table('by area (npm package, node internals, source folder)', report.byPackage),
    table('by file', report.byFile),
    table('by function', report.byFunction),
  ].join('\n');
}
