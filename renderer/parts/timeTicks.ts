// Where a time axis puts its labels: at round times (every 10 s, 5 min, 6 h, 1 day …) chosen from
// the span the data covers, so that no two labels read the same. Recharts' own ticks on a time
// scale fall anywhere, and minute labels an hour graph shows after a minute of data repeated
// "19:24 19:24 19:25".

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D];

export interface TimeTicks {
  ticks: number[];
  /** The distance between two ticks, in ms: what the labels must tell apart. */
  stepMs: number;
}

/** At most `maxTicks` round times within [from, to], in the local time zone (a day tick is midnight). */
export function timeTicks(from: number, to: number, maxTicks: number): TimeTicks {
  const span = Math.max(0, to - from);
  const want = Math.max(1, Math.floor(maxTicks));
  // A span of n steps can hold n + 1 ticks.
  const fits = (step: number): boolean => Math.floor(span / step) + 1 <= want;
  let stepMs = STEPS.find(fits) ?? 7 * D;
  while (!fits(stepMs)) stepMs += 7 * D;
  // Round in local time: shift by the zone's offset, round, and shift back.
  const offset = new Date(from).getTimezoneOffset() * M;
  const ticks: number[] = [];
  for (let t = Math.ceil((from - offset) / stepMs) * stepMs + offset; t <= to; t += stepMs) ticks.push(t);
  return { ticks, stepMs };
}

/** A tick's label, as precise as the step needs: 19:24:30, 19:25, or 11/23. */
export function tickLabel(t: number, stepMs: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  if (stepMs >= D) return `${d.getMonth() + 1}/${d.getDate()}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return stepMs < M ? `${time}:${two(d.getSeconds())}` : time;
}
