import type { SshPool } from '../ssh/pool';
import { Semaphore } from '../status/scheduler';

// While a deploy holds the lock, its console shows it is alive: every `everyMs` one short exec per
// locked host, over the pooled connection, writes the host's time into the lock's heartbeat
// (hostSteps.heartbeatScript). It beats whatever the deploy does — paused, waiting in a bake, in
// a long build — since it has its own bound on connections, apart from the deploy's steps. A round
// still running when the next is due is not doubled. A host whose lock is no longer the deploy's
// (taken over) is told once and no longer beaten.

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
  private beating: Promise<void> | null = null;
  private readonly lost = new Set<string>();
  private readonly limit = new Semaphore(32);

  constructor(private readonly o: HeartbeatOptions) {
    this.timer = setInterval(() => {
      this.beating ??= this.beat().finally(() => (this.beating = null));
    }, o.everyMs);
  }

  private async beat(): Promise<void> {
    const hosts = this.o.hosts().filter((h) => !this.lost.has(h));
    await Promise.all(
      hosts.map((h) =>
        this.limit.run(async () => {
          let out = '';
          // A beat that fails (the host is down) is simply missed: the lock goes stale, as it should.
          const ok = await this.o.pool.exec(h, this.o.script, { onStdout: (c) => (out += c.toString()), timeoutMs: this.o.everyMs }).then(
            (r) => r.code === 0,
            () => false,
          );
          if (ok && out.startsWith('lost ')) {
            this.lost.add(h);
            this.o.onLost(h, out.slice(5).trim() || 'nobody');
          }
        }),
      ),
    );
  }

  /** No more beats; resolves once a round in flight has ended (so none lands after an unlock). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }
}
