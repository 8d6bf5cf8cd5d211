import { describe, expect, it } from 'vitest';
import { tickLabel, timeTicks } from './timeTicks';

const at = (hh: number, mm: number, ss = 0) => new Date(2026, 10, 23, hh, mm, ss).getTime();

describe('timeTicks', () => {
  it('labels a minute of data by the seconds, every label different', () => {
    const { ticks, stepMs } = timeTicks(at(19, 24, 7), at(19, 25, 12), 6);
    const labels = ticks.map((t) => tickLabel(t, stepMs));
    expect(labels).toEqual(['19:24:15', '19:24:30', '19:24:45', '19:25:00']);
  });

  it('puts an hour on round minutes and a month on midnights', () => {
    const hour = timeTicks(at(18, 3), at(19, 3), 6);
    expect(hour.stepMs).toBe(15 * 60_000);
    expect(hour.ticks.map((t) => tickLabel(t, hour.stepMs))).toEqual(['18:15', '18:30', '18:45', '19:00']);
    const month = timeTicks(at(12, 0) - 30 * 86_400_000, at(12, 0), 8);
    expect(month.stepMs).toBe(7 * 86_400_000);
    for (const t of month.ticks) expect([new Date(t).getHours(), new Date(t).getMinutes()]).toEqual([0, 0]);
    expect(new Set(month.ticks.map((t) => tickLabel(t, month.stepMs))).size).toBe(month.ticks.length);
  });

  it('never gives more ticks than asked, even for one point', () => {
    for (const [from, to, max] of [[at(1, 0), at(1, 0), 5], [at(1, 0), at(23, 59), 3], [0, 400 * 86_400_000, 4]] as const) {
      const { ticks } = timeTicks(from, to, max);
      expect(ticks.length).toBeLessThanOrEqual(max);
      for (const t of ticks) expect(t >= from && t <= to).toBe(true);
    }
  });
});
