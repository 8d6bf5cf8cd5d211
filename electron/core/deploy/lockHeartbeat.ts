import type { SshPool } from '../ssh/pool';
import { Semaphore } from '../common/semaphore';

// While a deploy holds the lock, its console shows it is alive: every `everyMs` one short exec per
// locked host, over the pooled connection, writes the host's time into the lock's heartbeat
// (hostSteps.heartbeatScript). It beats whatever the deploy does — paused, waiting in a bake, in
// a long build — since it has its own bound on channels, apart from the deploy's steps. A host
// whose lock is no longer the deploy's (taken over) is told once and no longer beaten.

export interface HeartbeatOptions {
  pool: SshPool;
  /** The hosts locked now. */
  hosts(): readonly string[];
  script: string;
  everyMs: number;
  /** The lock on `host` is someone else's now (its holder line). */
  onLost(host: string, holder: string): void;
}

export class LockHeartbeat {
  private readonly timer: ReturnType<typeof setInterval>;
  /** The beat in flight on each host: a slow host is not beaten twice at once, nor holds up the others. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lost = new Set<string>();
  private readonly limit = new Semaphore(32);

  constructor(private readonly o: HeartbeatOptions) {
    this.timer = setInterval(() => {
      for (const h of o.hosts()) {
        if (this.lost.has(h) || this.inFlight.has(h)) continue;
        this.inFlight.set(h, this.limit.run(() => this.beat(h)).finally(() => this.inFlight.delete(h)));
      }
    }, o.everyMs);
  }

  private async beat(h: string): Promise<void> {
    let out = '';
    // A beat that fails (the host is down) is simply missed: the lock goes stale, as it should.
    const ok = await this.o.pool.exec(h, this.o.script, { onStdout: (c) => (out += c.toString()), timeoutMs: 2 * this.o.everyMs }).then(
      (r) => r.code === 0,
      () => false,
    );
    if (ok && out.startsWith('lost ')) {
      this.lost.add(h);
      this.o.onLost(h, out.slice(5).trim() || 'nobody');
    }
  }

  /** No more beats; resolves once those in flight have ended (so none lands after an unlock). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight.values());
  }
}
