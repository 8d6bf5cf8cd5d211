// The responses nginx serves: Monit's XML as captured, and node_exporter text whose counters
// keep moving. Two captures 10 s apart (t0, t1) give each counter's rate; the bench writes 360
// variants, one per 10-second step of the hour, with counter k = t0 + k·(t1 − t0), and nginx
// picks the step from the clock. So every host's counters grow as a real host's do (CPU % from
// the deltas comes out near the 50.7 % of the capture), with one counter reset per hour at the
// wrap. Gauges and untyped samples are t1's. Each file is also written gzipped: real
// node_exporter compresses when the client accepts gzip (Prometheus does), and nginx's
// gzip_static then does the same at no CPU cost of its own.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const MONIT_XML = 'monit-5.33.0-status-full-capture.xml';
export const MONIT_XML2 = 'monit-5.33.0-status2-capture.xml';
const NE_T0 = 'node_exporter-1.5.0-t0.txt';
const NE_T1 = 'node_exporter-1.5.0-t1.txt';

export const STEPS_PER_HOUR = 360;

/** The series key (name and labels) and value of a sample line; null for comments and blanks. */
function splitSample(line: string): { key: string; value: string } | null {
  if (line === '' || line.startsWith('#')) return null;
  const space = line.lastIndexOf(' ');
  return space > 0 ? { key: line.slice(0, space), value: line.slice(space + 1) } : null;
}

function metricName(key: string): string {
  const brace = key.indexOf('{');
  return brace < 0 ? key : key.slice(0, brace);
}

/** The families Fleetdeck reads of a node_exporter answer (sources/nodeExporter.ts, sources/prometheus.ts). */
export const FLEETDECK_FAMILIES: ReadonlySet<string> = new Set([
  'node_cpu_seconds_total', 'node_load1', 'node_load5', 'node_load15', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes',
  'node_boot_time_seconds', 'node_time_seconds', 'node_filesystem_size_bytes', 'node_filesystem_avail_bytes',
  'node_network_receive_bytes_total', 'node_network_transmit_bytes_total',
]);

/** The capture cut to `families`: their samples and their HELP and TYPE lines. */
function onlyFamilies(text: string, families: ReadonlySet<string> | undefined): string {
  if (!families) return text;
  const kept = text.split('\n').filter((line) => {
    const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (comment) return families.has(comment[1] as string);
    const s = splitSample(line);
    return s !== null && families.has(metricName(s.key));
  });
  return kept.join('\n') + '\n';
}

/** Writes `<dir>/<MM><T>.txt` (+ .gz) for every minute MM and tens-of-seconds digit T; with
 * `families`, only those families (what a Prometheus needs to keep for Fleetdeck). */
export function writeNodeExporterSteps(dir: string, families?: ReadonlySet<string>): { files: number; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const t0 = readFileSync(join(FIXTURES, NE_T0), 'utf8');
  const t1 = onlyFamilies(readFileSync(join(FIXTURES, NE_T1), 'utf8'), families);
  const counters = new Set<string>();
  for (const line of t1.split('\n')) {
    const m = /^# TYPE (\S+) counter$/.exec(line);
    if (m) counters.add(m[1] as string);
  }
  const start = new Map<string, number>();
  for (const line of t0.split('\n')) {
    const s = splitSample(line);
    if (s) start.set(s.key, Number(s.value));
  }
  // Per line of t1: either fixed text, or a counter with its start and per-step increment.
  const lines = t1.split('\n').map((line) => {
    const s = splitSample(line);
    if (!s || !counters.has(metricName(s.key))) return line;
    const v1 = Number(s.value);
    const v0 = start.get(s.key);
    if (v0 === undefined || !Number.isFinite(v1) || !Number.isFinite(v0) || v1 < v0) return line;
    const decimals = Math.max(decimalsOf(s.value), decimalsOf(String(v0)));
    return { key: s.key, v0, step: v1 - v0, decimals };
  });
  let bytes = 0;
  for (let k = 0; k < STEPS_PER_HOUR; k++) {
    const text = lines
      .map((l) => (typeof l === 'string' ? l : `${l.key} ${formatNumber(l.v0 + k * l.step, l.decimals)}`))
      .join('\n');
    const name = `${String(Math.floor(k / 6)).padStart(2, '0')}${k % 6}.txt`;
    writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, `${name}.gz`), gzipSync(text, { level: 6 }));
    bytes += text.length;
  }
  return { files: STEPS_PER_HOUR, bytes: Math.round(bytes / STEPS_PER_HOUR) };
}

function decimalsOf(text: string): number {
  if (/e/i.test(text)) return -1;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** With the captures' own number of decimals (no 1373.17999999999), exponent form where they had it. */
function formatNumber(n: number, decimals: number): string {
  if (decimals < 0 || Math.abs(n) >= 1e21) return String(Number(n.toPrecision(15)));
  return Number(n.toFixed(decimals)).toString();
}

export function monitXml(): string {
  return readFileSync(join(FIXTURES, MONIT_XML), 'latin1');
}
