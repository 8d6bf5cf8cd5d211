import type { Disposable } from '../../../shared/disposable';
import type { SshPool } from '../ssh/pool';

// Deploy locks a run could not remove at its end, because the host was down or cut off just then.
// Left there, a finished deploy's lock blocks the next deploy until someone takes it over; so the
// console keeps trying, first at the lock's heartbeat pace and then less often (up to once a
// minute), until the host answers. The unlock script only removes a lock still held by that run:
// one taken over meanwhile stays its new holder's. A console that stops gives up its retries; the
// lock then goes stale, as any lock of a console that went away does.

const MAX_WAIT_MS = 60_000;

export class LeftLocks implements Disposable {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(private readonly pool: Pick<SshPool, 'exec'>) {}

  /** Runs `unlock` on each host after `firstWaitMs`, again after twice as long while it fails. */
  add(hosts: readonly string[], unlock: string, firstWaitMs: number): void {
    for (const host of hosts) this.later(host, unlock, Math.max(1, firstWaitMs));
  }

  private later(host: string, unlock: string, waitMs: number): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.pool
        .exec(host, unlock, { timeoutMs: 30_000 })
        .then(
          (r) => r.code === 0,
          () => false,
        )
        .then((done) => done || this.later(host, unlock, Math.min(2 * waitMs, MAX_WAIT_MS)));
    }, waitMs);
    this.timers.add(timer);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
