import { afterEach, describe, expect, it, vi } from 'vitest';
import { Semaphore } from '../common/semaphore';
import { backoffDelay, MAX_BACKOFF_MS, nextSlot, phaseOf, POLL_TICK_MS, pollTimeout, TickWheel } from './scheduler';

describe('scheduler', () => {
  it('gives each host a stable phase inside the interval, spread across it', () => {
    const phases = Array.from({ length: 1000 }, (_, i) => phaseOf(`app-${i}`, 10_000));
    expect(phaseOf('app-1', 10_000)).toBe(phases[1]);
    expect(Math.min(...phases)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...phases)).toBeLessThan(10_000);
    // Every tenth of the interval gets some hosts: no thundering herd.
    const tenths = new Set(phases.map((p) => Math.floor(p / 1000)));
    expect(tenths.size).toBe(10);
    // Whole ticks, so hosts due together start together; nearly every tick is used.
    expect(phases.every((p) => p % POLL_TICK_MS === 0)).toBe(true);
    expect(new Set(phases).size).toBeGreaterThan(90);
  });

  it('keeps a host on its slot from cycle to cycle', () => {
    expect(nextSlot(12_345, 10_000, 2_000)).toBe(22_000);
    expect(nextSlot(22_000, 10_000, 2_000)).toBe(32_000);
    expect(nextSlot(21_999, 10_000, 2_000)).toBe(22_000);
  });

  it('backs off dead hosts exponentially, with jitter, up to five minutes', () => {
    expect(backoffDelay(1, 10_000, () => 0.5)).toBe(10_000);
    expect(backoffDelay(3, 10_000, () => 0.5)).toBe(40_000);
    expect(backoffDelay(30, 10_000, () => 0.5)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay(2, 10_000, () => 0)).toBe(16_000);
    expect(backoffDelay(2, 10_000, () => 1)).toBe(24_000);
  });

  it('keeps timeouts under the interval', () => {
    expect(pollTimeout(10_000)).toBe(8_000);
    expect(pollTimeout(60_000)).toBe(10_000);
    expect(pollTimeout(1_000)).toBe(800);
  });

  it('never runs more than its limit at once, and runs all in order', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
          order.push(i);
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(order).toHaveLength(20);
    expect(semaphore.queued).toBe(0);
  });

  describe('TickWheel', () => {
    afterEach(() => void vi.useRealTimers());

    it('runs each item at its tick, once, on the last time it was given, and not when cancelled', () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const ran: Array<[string, number]> = [];
      const wheel = new TickWheel<string>((item) => ran.push([item, Date.now()]));
      wheel.schedule('a', 1_000_250);
      wheel.schedule('b', 1_000_250);
      wheel.schedule('c', 1_000_500);
      wheel.schedule('b', 1_000_800);
      wheel.schedule('c', 1_000_050);
      wheel.schedule('d', 1_000_300);
      wheel.cancel('d');
      vi.advanceTimersByTime(2_000);
      expect(ran).toEqual([['c', 1_000_100], ['a', 1_000_300], ['b', 1_000_800]]);
      expect(wheel.size).toBe(0);
    });

    it('takes items scheduled while it runs, and stops its timer when cleared', () => {
      vi.useFakeTimers({ now: 0 });
      let runs = 0;
      const wheel = new TickWheel<string>((item) => {
        runs++;
        if (runs < 3) wheel.schedule(item, Date.now() + 1_000);
      });
      wheel.schedule('a', 100);
      vi.advanceTimersByTime(5_000);
      expect(runs).toBe(3);
      wheel.schedule('a', 6_000);
      wheel.clear();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(5_000);
      expect(runs).toBe(3);
    });
  });
});
