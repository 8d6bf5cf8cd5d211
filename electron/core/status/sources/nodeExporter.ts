import type { Check, Sample, SourceResult } from '../../../../shared/status/model';
import type { BodySink } from '../../http/httpResponse';
import { ownString } from '../ownString';
import { isShownFilesystem } from '../../../../shared/status/filesystems';
import { textAt } from './chars';
import { SampleLine } from './expositionLine';
import { describeForeignBody, ParseError } from '../../common/parseError';

// node_exporter's Prometheus text format, read in one pass as the answer arrives, keeping only the
// families a host card needs (a full scrape is ~60 kB; 1,000 hosts every 10 s must stay cheap).
// Rates need the previous scrape's counters, which the caller keeps: nodeSamples(previous, current).

export interface NodeScrape {
  /** node_time_seconds, in seconds (the exporter's clock, so rates ignore network delays). */
  time: number;
  bootTime: number | null;
  cpuIdle: number;
  cpuAll: number;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  memTotal: number | null;
  memAvailable: number | null;
  /** mountpoint → bytes; only real filesystems. */
  fsSize: Map<string, number>;
  fsAvail: Map<string, number>;
  /** device → bytes; loopback excluded. */
  rx: Map<string, number>;
  tx: Map<string, number>;
  series: number;
}

/** What rates are computed from: a scrape is one, and so is the CounterMemory a probe keeps. */
export type NodeCounters = Pick<NodeScrape, 'time' | 'cpuIdle' | 'cpuAll' | 'rx' | 'tx'>;

/** The last scrape's counters of one host, overwritten in place by each scrape. Keeping the whole
 * previous scrape (its four maps, every value) kept ~1 kB a poll alive for an interval, which V8
 * then had to promote: this keeps five numbers and two small maps that stay. */
export class CounterMemory implements NodeCounters {
  time = 0;
  cpuIdle = 0;
  cpuAll = 0;
  readonly rx = new Map<string, number>();
  readonly tx = new Map<string, number>();

  remember(scrape: NodeScrape): void {
    this.time = scrape.time;
    this.cpuIdle = scrape.cpuIdle;
    this.cpuAll = scrape.cpuAll;
    overwrite(this.rx, scrape.rx);
    overwrite(this.tx, scrape.tx);
  }
}

/** Makes `into` hold what `from` holds, keeping the keys it already has (no new strings). */
function overwrite(into: Map<string, number>, from: Map<string, number>): void {
  for (const key of into.keys()) if (!from.has(key)) into.delete(key);
  for (const [key, value] of from) into.set(into.has(key) ? key : ownString(key), value);
}

/** The families read, by the code of the letter after "node_" (a line is matched without being
 * cut out first: most of a scrape's thousand lines are families no host card shows). */
const WANTED: Record<number, readonly string[]> = Object.fromEntries(
  Object.entries({
    b: ['node_boot_time_seconds'],
    c: ['node_cpu_seconds_total'],
    f: ['node_filesystem_size_bytes', 'node_filesystem_avail_bytes'],
    l: ['node_load1', 'node_load5', 'node_load15'],
    m: ['node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes'],
    n: ['node_network_receive_bytes_total', 'node_network_transmit_bytes_total'],
    t: ['node_time_seconds'],
  }).map(([letter, names]) => [letter.charCodeAt(0), names]),
);

/** The longest line read; a longer one is skipped (no series a host card shows is near this). */
const MAX_LINE = 64 * 1024;
const NON_ASCII = /[\x80-\xff]/;
/** How much of the start of an answer is kept for recognising HTML, JSON or binary data. */
const HEAD = 512;

/** Reads a scrape from the bytes of the answer as they arrive, so that the ~57 kB answer is never
 * one string: at 100 scrapes a second those strings were most of what V8 copied and promoted. */
export class NodeExporterReader implements BodySink {
  private readonly scrape: NodeScrape;
  private nodeSeries = 0;
  private head = '';
  /** The start of a line that the end of a part cut off (a copy: the part's buffer is reused). */
  private cut: Buffer | null = null;
  /** Inside a line longer than MAX_LINE, skipped to its end. */
  private skipping = false;
  /** Why a line of a family read is one Prometheus would refuse (the first such line). */
  private refused: string | null = null;
  private readonly sampleLine = new SampleLine();

  constructor(now = Date.now()) {
    this.scrape = {
      time: now / 1000, bootTime: null, cpuIdle: 0, cpuAll: 0, load1: null, load5: null, load15: null,
      memTotal: null, memAvailable: null, fsSize: new Map(), fsAvail: new Map(), rx: new Map(), tx: new Map(), series: 0,
    };
  }

  write(part: Buffer): void {
    if (this.head.length < HEAD) this.head += part.toString('latin1', 0, Math.min(part.length, HEAD - this.head.length));
    let from = 0;
    if (this.cut || this.skipping) {
      const newline = part.indexOf(10);
      if (newline < 0) {
        this.keepCut(part, 0);
        return;
      }
      if (this.cut) this.line(Buffer.concat([this.cut, part.subarray(0, newline)]));
      this.cut = null;
      this.skipping = false;
      from = newline + 1;
    }
    // Scanned as latin1, one character per byte: an index in the text is an index in the bytes,
    // and only the lines kept are decoded as UTF-8 (a mount point may be non-ASCII).
    const text = part.toString('latin1', from);
    const start = this.lines(text, part, from);
    if (start < text.length) this.keepCut(part, from + start);
  }

  /** Reads the whole lines of `text` (which begins at bytes[offset]); returns where the last one
   * ended. Most lines are comments or families no card shows: they cost a character or two each. */
  private lines(text: string, bytes: Buffer, offset: number): number {
    let series = 0;
    let nodeSeries = 0;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const first = text.charCodeAt(start);
      if (end > start && first !== 35 /* # */) {
        series++;
        if (first === 110 /* n */ && isNodeAt(text, start)) {
          nodeSeries++;
          const candidates = WANTED[text.charCodeAt(start + 5)];
          if (candidates) this.sample(candidates, text, bytes, offset, start, end);
        }
      }
      start = end + 1;
    }
    this.scrape.series += series;
    this.nodeSeries += nodeSeries;
    return start;
  }

  /** The scrape, once the whole answer is in; a ParseError when it is not node_exporter's. */
  end(): NodeScrape {
    const foreign = describeForeignBody(this.head);
    if (foreign) throw new ParseError(`not node_exporter metrics: ${foreign}`);
    // node_exporter ends every line, the last one too: an answer that stops inside a line was
    // cut short (a server may close the connection early when it sent no length), and the
    // number the line ends with may be the first digits of a bigger one.
    if (this.cut || this.skipping) throw new ParseError('the answer ends in the middle of a line: it was cut short');
    if (this.refused) throw new ParseError(`not valid Prometheus text: ${this.refused}`);
    if (this.nodeSeries === 0) throw new ParseError(this.scrape.series === 0 ? 'not Prometheus text: no metrics in the response' : 'Prometheus metrics, but none from node_exporter (node_*)');
    return this.scrape;
  }

  private keepCut(part: Buffer, from: number): void {
    if (this.skipping) return;
    const length = (this.cut?.length ?? 0) + part.length - from;
    if (length > MAX_LINE) {
      this.cut = null;
      this.skipping = true;
    } else this.cut = this.cut ? Buffer.concat([this.cut, part.subarray(from)]) : Buffer.from(part.subarray(from));
  }

  /** A line put together from a cut and the part after it. */
  private line(bytes: Buffer): void {
    this.lines(`${bytes.toString('latin1')}\n`, bytes, 0);
  }

  private sample(candidates: readonly string[], text: string, bytes: Buffer, offset: number, start: number, end: number): void {
    const name = candidates.find((n) => endsNameAt(text, start + n.length) && textAt(text, start + 6, n, 6));
    if (!name) return;
    // A cut of the text, unless the line has UTF-8 to decode: a Buffer.toString for every kept
    // line cost as much as the rest of the scan.
    const line = text.slice(start, end);
    const sample = this.sampleLine;
    const refused = sample.read(NON_ASCII.test(line) ? bytes.toString('utf8', offset + start, offset + end) : line, name.length);
    if (refused) this.refused ??= `${name}: ${refused}`;
    else putSample(this.scrape, name, sample.value, sample);
  }
}

/** A whole answer at once (tests, and answers read some other way). */
export function parseNodeExporter(body: Uint8Array | string, now = Date.now()): NodeScrape {
  const reader = new NodeExporterReader(now);
  reader.write(typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  return reader.end();
}

/** Whether the line at `at` starts with "node_" (its "n" is known). */
function isNodeAt(text: string, at: number): boolean {
  return (
    text.charCodeAt(at + 4) === 95 /* _ */ &&
    text.charCodeAt(at + 1) === 111 /* o */ &&
    text.charCodeAt(at + 2) === 100 /* d */ &&
    text.charCodeAt(at + 3) === 101 /* e */
  );
}

/** Whether a metric name ends at `at`: labels or the value follow. */
function endsNameAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c === 123 /* { */ || c === 32 /* space */ || c === 9 /* tab */;
}

/** Where a sample's labels are read from: a line of the text format, or a series of a query. */
export interface SampleLabels {
  label(key: string): string | undefined;
}

/** Puts one sample of a family the reader keeps into the scrape. */
export function putSample(s: NodeScrape, name: string, value: number, line: SampleLabels): void {
  switch (name) {
    case 'node_cpu_seconds_total':
      s.cpuAll += value;
      if (line.label('mode') === 'idle') s.cpuIdle += value;
      break;
    case 'node_load1': s.load1 = value; break;
    case 'node_load5': s.load5 = value; break;
    case 'node_load15': s.load15 = value; break;
    case 'node_memory_MemTotal_bytes': s.memTotal = value; break;
    case 'node_memory_MemAvailable_bytes': s.memAvailable = value; break;
    case 'node_time_seconds': s.time = value; break;
    case 'node_boot_time_seconds': s.bootTime = value; break;
    case 'node_filesystem_size_bytes':
    case 'node_filesystem_avail_bytes': {
      const mount = line.label('mountpoint');
      if (!mount || !isShownFilesystem(line.label('fstype'), mount)) break;
      // The scrape is kept until the next one (for rates): its keys must not keep the answer.
      (name === 'node_filesystem_size_bytes' ? s.fsSize : s.fsAvail).set(ownString(mount), value);
      break;
    }
    case 'node_network_receive_bytes_total':
    case 'node_network_transmit_bytes_total': {
      const device = line.label('device');
      if (!device || device === 'lo') break;
      (name === 'node_network_receive_bytes_total' ? s.rx : s.tx).set(ownString(device), value);
      break;
    }
  }
}

export interface NodeThresholds {
  diskWarnPct: number;
  diskCritPct: number;
  memWarnPct: number;
  memCritPct: number;
}

export const DEFAULT_NODE_THRESHOLDS: NodeThresholds = { diskWarnPct: 85, diskCritPct: 95, memWarnPct: 90, memCritPct: 97 };

/** Samples and checks from a scrape, with rates against the previous counters of the same host. */
export function nodeSamples(prev: NodeCounters | null, cur: NodeScrape, limits: NodeThresholds = DEFAULT_NODE_THRESHOLDS): SourceResult {
  const samples: Sample[] = [];
  const checks: Check[] = [];
  const push = (metric: string, value: number | null): void => {
    if (value !== null && Number.isFinite(value)) samples.push({ metric, value });
  };
  push('load1', cur.load1);
  push('load5', cur.load5);
  push('load15', cur.load15);
  if (cur.bootTime !== null && cur.time >= cur.bootTime) push('uptime_s', cur.time - cur.bootTime);

  const dt = prev ? cur.time - prev.time : 0;
  if (prev && dt > 0) {
    const all = cur.cpuAll - prev.cpuAll;
    const idle = cur.cpuIdle - prev.cpuIdle;
    // A counter that went down was reset (reboot, exporter restart): no rate this time.
    if (all > 0 && idle >= 0 && idle <= all) push('cpu_pct', 100 * (1 - idle / all));
    for (const [dev, bytes] of cur.rx) push(`net_rx_bps:${dev}`, rate(prev.rx.get(dev), bytes, dt));
    for (const [dev, bytes] of cur.tx) push(`net_tx_bps:${dev}`, rate(prev.tx.get(dev), bytes, dt));
  }

  if (cur.memTotal !== null && cur.memAvailable !== null) {
    const wrong = impossibleShare('MemAvailable', cur.memAvailable, 'MemTotal', cur.memTotal);
    if (wrong) checks.push(unknown('node_exporter:memory', 'memory', `memory: ${wrong}`));
    else {
      const used = 100 * (1 - cur.memAvailable / cur.memTotal);
      push('mem_used_pct', used);
      checks.push(threshold('node_exporter:memory', 'memory', used, limits.memWarnPct, limits.memCritPct, `memory ${used.toFixed(1)} % used`));
    }
  }
  for (const [mount, size] of cur.fsSize) {
    const avail = cur.fsAvail.get(mount);
    // An empty filesystem of size 0 (some pseudo ones) has no use to show.
    if (avail === undefined || (size === 0 && avail === 0)) continue;
    const wrong = impossibleShare('available', avail, 'size', size);
    if (wrong) {
      checks.push(unknown(`node_exporter:disk:${mount}`, `disk ${mount}`, `${mount}: ${wrong}`));
      continue;
    }
    const used = 100 * (1 - avail / size);
    push(`disk_used_pct:${mount}`, used);
    checks.push(threshold(`node_exporter:disk:${mount}`, `disk ${mount}`, used, limits.diskWarnPct, limits.diskCritPct, `${mount} ${used.toFixed(1)} % full`));
  }
  checks.unshift({ id: 'node_exporter:scrape', source: 'node_exporter', name: 'node_exporter', state: 'OK', reason: `scraped ${cur.series} series` });
  return { checks, samples };
}

/** Why `part` of `whole` (bytes) cannot be right: not a number, negative, or more than the
 * whole (a use above 100 % or below 0 %). Such a value is UNKNOWN, never a percentage. */
function impossibleShare(partName: string, part: number, wholeName: string, whole: number): string | null {
  for (const [name, value] of [[wholeName, whole], [partName, part]] as const) {
    if (!Number.isFinite(value)) return `${name} is ${value}, which cannot be right`;
    if (value < 0) return `${name} is ${value} bytes, which cannot be right`;
  }
  if (whole === 0) return `${wholeName} is 0 bytes, which cannot be right`;
  if (part > whole) return `${partName} (${part} bytes) is more than ${wholeName} (${whole} bytes), which cannot be right`;
  return null;
}

function unknown(id: string, name: string, reason: string): Check {
  return { id, source: 'node_exporter', name, state: 'UNKNOWN', reason };
}

function rate(before: number | undefined, now: number, dt: number): number | null {
  if (before === undefined || now < before) return null;
  return (now - before) / dt;
}

function threshold(id: string, name: string, value: number, warn: number, crit: number, text: string): Check {
  return thresholdCheck('node_exporter', id, name, value, warn, crit, text);
}

/** A percentage against its warning and critical limits, with the limit crossed in the reason. */
export function thresholdCheck(source: Check['source'], id: string, name: string, value: number, warn: number, crit: number, text: string): Check {
  const state = value >= crit ? 'CRITICAL' : value >= warn ? 'WARNING' : 'OK';
  const limit = state === 'CRITICAL' ? ` (critical at ${crit} %)` : state === 'WARNING' ? ` (warning at ${warn} %)` : '';
  return { id, source, name, state, reason: text + limit };
}
