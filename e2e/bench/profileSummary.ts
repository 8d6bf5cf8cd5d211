// Where the Fleetdeck child spends its CPU: reads a V8 .cpuprofile (node --cpu-prof), maps the
// bundle's positions back to the TypeScript sources through the bundle's source map, and sums
// self time by function, by source file and by npm package. Idle time is left out. A sampling
// heap profile is summed the same way, in kB instead of ms.
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
  /** ms in a CPU profile, kB in a heap profile. */
  amount: number;
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

/** Where a profile's frame is in the sources: the bundle's positions mapped back to TypeScript. */
class FrameLocator {
  private readonly maps = new Map<string, SourceMap | null>();
  constructor(private readonly repoRoot: string) {}

  locate({ functionName, url, lineNumber, columnNumber }: CallFrame): { fn: string; file: string; area: string } {
    let where = url;
    let line = lineNumber + 1;
    if (url.endsWith('.cjs') || url.endsWith('.js')) {
      if (!this.maps.has(url)) this.maps.set(url, url.includes('/dist/bench/') ? loadMap(url) : null);
      const map = this.maps.get(url);
      const entry = map?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
      if (entry?.originalSource) {
        const base = url.startsWith('file:') ? dirname(fileURLToPath(url)) : dirname(url);
        where = resolve(base, entry.originalSource.replace(/^file:\/\//, ''));
        line = (entry.originalLine ?? 0) + 1;
      }
    }
    if (where.startsWith('file://')) where = fileURLToPath(where);
    const shown = where ? (where.startsWith('/') ? relative(this.repoRoot, where) : where) : '';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(shown)?.[1];
    const area = !shown ? `(${functionName.replace(/[()]/g, '') || 'native'})` : pkg ? `npm:${pkg}` : shown.startsWith('node:') ? 'node internals' : shown.split('/').slice(0, 2).join('/');
    return { fn: `${functionName || '(anonymous)'} ${shown ? `${shown}:${line}` : ''}`.trim(), file: shown || `(${functionName.replace(/[()]/g, '')})`, area };
  }
}

function topRows(m: Map<string, number>, total: number, top: number, unit: number): ProfileRow[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, v]) => ({ what, amount: Math.round((10 * v) / unit) / 10, pct: Math.round((1000 * v) / Math.max(1, total)) / 10 }));
}

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

export function summarizeProfile(file: string, repoRoot: string, top = 15): ProfileReport {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const locator = new FrameLocator(repoRoot);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += us;
    const { fn, file: where, area } = locator.locate(node.callFrame);
    add(byFunction, fn, us);
    add(byFile, where, us);
    add(byPackage, area, us);
  }
  return {
    busyMs: Math.round(busy / 1000),
    wallMs: Math.round((profile.endTime - profile.startTime) / 1000),
    byFunction: topRows(byFunction, busy, top, 1000),
    byFile: topRows(byFile, busy, top, 1000),
    byPackage: topRows(byPackage, busy, top, 1000),
  };
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

export interface HeapProfileReport {
  totalKb: number;
  byFunction: ProfileRow[];
  byStack: ProfileRow[];
}

/** A sampling heap profile (HeapProfiler.stopSampling): kB allocated by function, and by the
 * function with its two callers (an allocation in a helper says little without who called it). */
export function summarizeHeapProfile(file: string, repoRoot: string, top = 20): HeapProfileReport {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const locator = new FrameLocator(repoRoot);
  const byFunction = new Map<string, number>();
  const byStack = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, callers: string[]): void => {
    const { fn } = locator.locate(node.callFrame);
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(byFunction, fn, node.selfSize);
      add(byStack, [fn, ...callers.slice(-2).reverse()].join(' ← '), node.selfSize);
    }
    for (const child of node.children) walk(child, [...callers, fn.split(' ')[0]!]);
  };
  walk(head, []);
  return { totalKb: Math.round(total / 1024), byFunction: topRows(byFunction, total, top, 1024), byStack: topRows(byStack, total, top, 1024) };
}

function table(title: string, rows: ProfileRow[], unit: 'ms' | 'kB'): string {
  return [`  ${title}:`, ...rows.map((r) => `    ${r.pct.toFixed(1).padStart(5)} %  ${r.amount.toFixed(0).padStart(7)} ${unit}  ${r.what}`)].join('\n');
}

export function formatHeapProfile(report: HeapProfileReport, file: string): string {
  return [
    `heap profile ${file}: ${report.totalKb} kB sampled that reached the old generation (promoted, or put there at once by V8's pretenuring)`,
    table('by function', report.byFunction, 'kB'),
    table('by function ← caller ← its caller', report.byStack, 'kB'),
  ].join('\n');
}

export function formatProfile(report: ProfileReport, file: string): string {
  return [
    `profile ${file}: ${report.busyMs} ms busy of ${report.wallMs} ms (self time; idle left out)`,
    table('by area (npm package, node internals, source folder)', report.byPackage, 'ms'),
    table('by file', report.byFile, 'ms'),
    table('by function', report.byFunction, 'ms'),
  ].join('\n');
}
