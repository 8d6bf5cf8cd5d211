// Host ranges as Ansible writes them: `app-[01:12]` is app-01 … app-12 (the width of the first
// bound is kept), `web[1:9:2]` steps by 2, `db-[a:c]` counts letters, and several ranges in one
// name multiply. A cap keeps a typo like `[1:9999999]` from eating the console's memory.

export const MAX_RANGE_HOSTS = 10_000;

const RANGE = /\[([^\]]*)\]/;

export function expandHostRange(pattern: string): string[] {
  const match = RANGE.exec(pattern);
  if (!match) return [pattern];
  const head = pattern.slice(0, match.index);
  const tail = pattern.slice(match.index + match[0].length);
  const tails = expandHostRange(tail);
  const out: string[] = [];
  for (const item of expandBounds(match[1] ?? '', pattern)) {
    for (const rest of tails) {
      out.push(head + item + rest);
      if (out.length > MAX_RANGE_HOSTS) {
        throw new RangeError(`"${pattern}" expands to more than ${MAX_RANGE_HOSTS} hosts.`);
      }
    }
  }
  return out;
}

function expandBounds(spec: string, pattern: string): string[] {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw new RangeError(`"${pattern}": a range is [start:end] or [start:end:step], got [${spec}].`);
  }
  const [from = '', to = '', stepText = '1'] = parts.map((p) => p.trim());
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`"${pattern}": the step must be a whole number ≥ 1.`);

  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const start = Number(from);
    const end = Number(to);
    if (end < start) throw new RangeError(`"${pattern}": the range [${spec}] ends before it starts.`);
    if ((end - start) / step + 1 > MAX_RANGE_HOSTS) {
      throw new RangeError(`"${pattern}" expands to more than ${MAX_RANGE_HOSTS} hosts.`);
    }
    const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
    const out: string[] = [];
    for (let n = start; n <= end; n += step) out.push(String(n).padStart(width, '0'));
    return out;
  }
  if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    const start = from.charCodeAt(0);
    const end = to.charCodeAt(0);
    if (end < start) throw new RangeError(`"${pattern}": the range [${spec}] ends before it starts.`);
    const out: string[] = [];
    for (let c = start; c <= end; c += step) out.push(String.fromCharCode(c));
    return out;
  }
  throw new RangeError(`"${pattern}": [${spec}] is not a range of numbers or of letters.`);
}
