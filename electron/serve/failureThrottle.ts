// Slows down whoever keeps guessing the token. A few wrong tokens from one address are answered at
// once (a stale tab, a typo); past that, each further wrong answer to that address waits longer,
// one after the other, so that guesses from one address come back at most one per delay however
// many connections it opens. The first answer slowed in a burst is logged; a quiet minute ends
// the burst. Right tokens are never delayed: a local attacker cannot lock the user out.

/** Wrong tokens answered without delay, per address and burst. */
export const FREE_FAILURES = 5;
/** The delay doubles from this with each further failure… */
const FIRST_DELAY_MS = 100;
/** …up to this. */
export const MAX_DELAY_MS = 3000;
/** An address quiet this long starts a new burst. */
const QUIET_MS = 60_000;
/** Answers queued this far ahead per address; past it, connections are closed unanswered. */
const MAX_QUEUED_MS = 60_000;
/** Addresses remembered at most (the oldest is forgotten first). */
const MAX_ADDRESSES = 10_000;

interface Burst {
  failures: number;
  /** When the next slowed answer may go. */
  nextAnswerAt: number;
  lastFailureAt: number;
}

export type FailureVerdict = { answer: 'now' } | { answer: 'after'; delayMs: number } | { answer: 'drop' };

export class FailureThrottle {
  private readonly bursts = new Map<string, Burst>();
  private lastSweep = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a wrong token from `address` and says when to answer it. */
  failed(address: string): FailureVerdict {
    const now = this.now();
    this.forgetQuiet(now);
    let burst = this.bursts.get(address);
    if (!burst) {
      if (this.bursts.size >= MAX_ADDRESSES) this.bursts.delete(this.bursts.keys().next().value!);
      burst = { failures: 0, nextAnswerAt: now, lastFailureAt: now };
      this.bursts.set(address, burst);
    }
    burst.failures++;
    burst.lastFailureAt = now;
    if (burst.failures <= FREE_FAILURES) return { answer: 'now' };
    if (burst.nextAnswerAt - now > MAX_QUEUED_MS) return { answer: 'drop' };
    if (burst.failures === FREE_FAILURES + 1) {
      this.log(`Fleetdeck: ${burst.failures} wrong tokens from ${address}: answering its wrong tokens slowly (up to ${MAX_DELAY_MS / 1000} s each) until it has been quiet for ${QUIET_MS / 1000} s.`);
    }
    const step = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (burst.failures - FREE_FAILURES - 1));
    burst.nextAnswerAt = Math.max(now, burst.nextAnswerAt) + step;
    return { answer: 'after', delayMs: burst.nextAnswerAt - now };
  }

  private forgetQuiet(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [address, burst] of this.bursts) {
      if (now - Math.max(burst.lastFailureAt, burst.nextAnswerAt) > QUIET_MS) this.bursts.delete(address);
    }
  }
}
