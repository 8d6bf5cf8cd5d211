// When each host is polled: a fixed phase inside its interval (so 1,000 hosts do not all fire at
// the same instant, and a host keeps its slot from one cycle to the next), a cap on polls running
// at once, and exponential backoff with jitter for hosts that cannot be reached.

/** Phases are whole ticks: hosts due in the same tick start together, so the process wakes once
 * for them and their answers come back together. One wake-up per host cost 2.5 times the CPU on
 * the benchmark's VM (docs/benchmarks.md, "Polling"); 100 ms keeps the load spread all the same. */
export const POLL_TICK_MS = 100;

/** A stable offset in [0, intervalMs) from the host's name (FNV-1a), a whole number of ticks. */
export function phaseOf(name: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const ticks = Math.max(1, Math.floor(intervalMs / POLL_TICK_MS));
  return (hash % ticks) * POLL_TICK_MS;
}

/** The first slot of this host strictly after `now`: phase + k × interval. */
export function nextSlot(now: number, intervalMs: number, phase: number): number {
  const k = Math.floor((now - phase) / intervalMs) + 1;
  return phase + k * intervalMs;
}

export const MAX_BACKOFF_MS = 5 * 60_000;

/** After `failures` polls in a row found the host unreachable: wait longer, up to 5 minutes,
 * ±20 % so that hosts which died together do not come back in lockstep. */
export function backoffDelay(failures: number, intervalMs: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(10, Math.max(0, failures - 1)));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** How long a poll may take: under the interval, so a slow host never overlaps itself. */
export function pollTimeout(intervalMs: number): number {
  return Math.max(500, Math.min(10_000, Math.floor(intervalMs * 0.8)));
}

/** Runs each item at the first whole tick at or after its time, on one timer for all of them. A
 * timer per host made a Timeout that lived an interval every poll, and, as every delay differed by
 * a few milliseconds, a timer list of Node's own per host too (docs/benchmarks.md, "Polling"). */
export class TickWheel<T> {
  /** Tick (counted from `origin`, so a small integer) → the items due then; stale ones skipped. */
  private readonly buckets = new Map<number, T[]>();
  private readonly dueAt = new Map<T, number>();
  private readonly origin = Math.floor(Date.now() / POLL_TICK_MS);
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  constructor(private readonly run: (item: T) => void) {}

  /** Runs `item` at `at` (ms since the epoch) instead of when it was due before. */
  schedule(item: T, at: number): void {
    const tick = Math.ceil(at / POLL_TICK_MS) - this.origin;
    this.dueAt.set(item, tick);
    const bucket = this.buckets.get(tick);
    if (bucket) bucket.push(item);
    else this.buckets.set(tick, [item]);
    if (tick < this.armedFor) this.arm(tick);
  }

  cancel(item: T): void {
    this.dueAt.delete(item);
  }

  clear(): void {
    this.dueAt.clear();
    this.buckets.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  get size(): number {
    return this.dueAt.size;
  }

  private arm(tick: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = tick;
    this.timer = setTimeout(() => this.fire(), Math.max(0, (tick + this.origin) * POLL_TICK_MS - Date.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = Math.floor(Date.now() / POLL_TICK_MS) - this.origin;
    let next = Infinity;
    for (const tick of [...this.buckets.keys()]) {
      if (tick > now) {
        next = Math.min(next, tick);
        continue;
      }
      const bucket = this.buckets.get(tick)!;
      this.buckets.delete(tick);
      for (const item of bucket) {
        // Rescheduled or cancelled since it was put here: not this tick's.
        if (this.dueAt.get(item) !== tick) continue;
        this.dueAt.delete(item);
        this.run(item);
      }
    }
    // What the items scheduled while running may have armed already.
    if (next < this.armedFor) this.arm(next);
  }
}
