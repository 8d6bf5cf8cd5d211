// One sample line of the Prometheus text format, read as Prometheus's own scrape parser reads it
// (promparse in Prometheus 2.x; checked against Debian's Prometheus in expositionLine.int.test.ts):
// spaces and tabs, one or many, around the label set, the value and the timestamp; label values
// with \" \\ and \n escapes; commas between labels optional, a trailing one allowed; values as
// Go's ParseFloat reads them (NaN, +Inf, -Inf, Inf, Infinity in any case; no hex, no "_", no
// value out of range); an optional integer timestamp after the value. Only the lines of the
// families a host card shows come here, so this is not the hot loop, but it makes no garbage of
// its own besides the value's text and the labels asked for.

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };
const TIMESTAMP = /^\d+$/;

/** A value as Go's strconv.ParseFloat reads it, or undefined when Prometheus would refuse it. */
export function parseSampleValue(text: string): number | undefined {
  // Of text made of digits, signs, dots and exponents, Number() reads what ParseFloat reads
  // (and says NaN to the rest); it would also read "", " 1", "1\r" or 0x10, which Go refuses.
  // A value it makes infinite is looked at below: 1e400 is "out of range" for Go.
  if (text.length > 0 && isDecimalText(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return value;
  }
  if (text.length > 9) return undefined;
  const name = text.toLowerCase();
  return Object.hasOwn(SPECIAL, name) ? SPECIAL[name] : undefined;
}

function isDecimalText(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || c === 43 /* + */ || c === 45 /* - */ || c === 46 /* . */ || (c | 0x20) === 101 /* e */)) return false;
  }
  return true;
}

function skipSpace(line: string, at: number): number {
  let c = line.charCodeAt(at);
  while (c === SPACE || c === TAB) c = line.charCodeAt(++at);
  return at;
}

function isNameChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (!first && c >= 48 && c <= 57);
}

/** Where the closing quote of the label value that opens at `at` (on its quote) is, or -1. */
function closingQuote(line: string, at: number): number {
  for (let k = at + 1; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === BACKSLASH) k++;
    else if (c === QUOTE) return k;
  }
  return -1;
}

/** Prometheus's unescaping: \" \\ and \n; any other backslash stays as it is. */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** A sample line, read in place: `read` checks it and finds its value; `label` finds a label. */
export class SampleLine {
  line = '';
  value = NaN;
  /** Per label of the line read last: where its name begins and ends, and its value's quotes
   * (a list reused from line to line, so reading one makes no garbage). */
  private readonly labels: number[] = [];
  private labelCount = 0;

  /** Reads `line`, whose metric name ends at `nameEnd`. Returns null, or why Prometheus would
   * refuse the line (which fails the whole scrape there). */
  read(line: string, nameEnd: number): string | null {
    this.line = line;
    this.labelCount = 0;
    let at = skipSpace(line, nameEnd);
    if (line.charCodeAt(at) === 123 /* { */) {
      at = this.readLabels(line, at + 1);
      if (at < 0) return 'its labels are not written as name="value" pairs';
      at = skipSpace(line, at);
    }
    const from = at;
    while (at < line.length && line.charCodeAt(at) !== SPACE && line.charCodeAt(at) !== TAB) at++;
    if (at === from) return 'it has no value';
    const text = line.slice(from, at);
    const value = parseSampleValue(text);
    if (value === undefined) return `its value "${text.slice(0, 40)}" is not a number`;
    this.value = value;
    at = skipSpace(line, at);
    if (at < line.length) {
      // A timestamp (milliseconds); node_exporter writes none, and the value is what is read.
      let end = at;
      while (end < line.length && line.charCodeAt(end) !== SPACE && line.charCodeAt(end) !== TAB) end++;
      if (!TIMESTAMP.test(line.slice(at, end)) || skipSpace(line, end) < line.length) return 'what follows its value is not a timestamp';
    }
    return null;
  }

  /** The value of label `key` of the line read last, unescaped; undefined if it has none. */
  label(key: string): string | undefined {
    const { line, labels } = this;
    for (let k = 0; k < this.labelCount * 4; k += 4) {
      const from = labels[k]!;
      if (labels[k + 1]! - from === key.length && line.startsWith(key, from)) return unescape(line.slice(labels[k + 2]! + 1, labels[k + 3]));
    }
    return undefined;
  }

  /** Just past the "}" of a label set that begins at `at` (after its "{"), or -1 if it is not one. */
  private readLabels(line: string, at: number): number {
    at = skipSpace(line, at);
    while (line.charCodeAt(at) !== 125 /* } */) {
      const nameFrom = at;
      while (isNameChar(line.charCodeAt(at), at === nameFrom)) at++;
      const nameTo = at;
      if (nameTo === nameFrom) return -1;
      at = skipSpace(line, at);
      if (line.charCodeAt(at) !== 61 /* = */) return -1;
      const open = skipSpace(line, at + 1);
      if (line.charCodeAt(open) !== QUOTE) return -1;
      const close = closingQuote(line, open);
      if (close < 0) return -1;
      const k = this.labelCount++ * 4;
      this.labels[k] = nameFrom;
      this.labels[k + 1] = nameTo;
      this.labels[k + 2] = open;
      this.labels[k + 3] = close;
      at = skipSpace(line, close + 1);
      // Commas between labels are optional in Prometheus's parser, and a trailing one is allowed.
      if (line.charCodeAt(at) === 44 /* , */) at = skipSpace(line, at + 1);
    }
    return at + 1;
  }
}
