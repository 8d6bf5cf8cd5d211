// The one concurrency limiter of the core: polls, deploy steps, heartbeats, commands on many hosts
// and channels per connection all wait their turn in one of these.
/** At most `limit` tasks at once; the others wait in order. */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A released slot is handed straight to the next waiter, so no newcomer can slip in between.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Tasks running, and waiting for a turn. */
  get busy(): number {
    return this.running + this.waiting.length;
  }
}
