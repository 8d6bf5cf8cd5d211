import { describe, expect, it } from 'vitest';
import { flapPercent, isStale, nextCheckStatus, worstState, type CheckMemory } from './health';
import type { CheckState } from './status/model';

const run = (states: CheckState[], maxAttempts = 3): CheckMemory[] => {
  const out: CheckMemory[] = [];
  let memory: CheckMemory | null = null;
  states.forEach((state, i) => {
    memory = nextCheckStatus(memory, state, i * 1000, maxAttempts);
    out.push(memory);
  });
  return out;
};

describe('health', () => {
  it('rolls up the worst state the Nagios way', () => {
    expect(worstState([])).toBe('OK');
    expect(worstState(['OK', 'UNKNOWN'])).toBe('UNKNOWN');
    expect(worstState(['UNKNOWN', 'WARNING', 'OK'])).toBe('WARNING');
    expect(worstState(['WARNING', 'CRITICAL', 'UNKNOWN'])).toBe('CRITICAL');
  });

  it('keeps a failure soft until it repeats maxAttempts times, then hard', () => {
    const s = run(['OK', 'CRITICAL', 'CRITICAL', 'CRITICAL', 'CRITICAL']);
    expect(s.map((m) => [m.state, m.hard, m.attempt])).toEqual([
      ['OK', true, 0],
      ['CRITICAL', false, 1],
      ['CRITICAL', false, 2],
      ['CRITICAL', true, 3],
      ['CRITICAL', true, 3],
    ]);
    expect(s[4]!.since).toBe(1000);
  });

  it('recovers to OK hard at once, and counts attempts across problem states', () => {
    const s = run(['CRITICAL', 'WARNING', 'CRITICAL', 'OK']);
    expect(s[2]).toMatchObject({ state: 'CRITICAL', hard: true, attempt: 3, since: 2000 });
    expect(s[3]).toMatchObject({ state: 'OK', hard: true, attempt: 0, since: 3000 });
  });

  it('detects flapping above 30 % changes and clears it below 20 %', () => {
    const flappy = run(Array.from({ length: 21 }, (_, i) => (i % 2 ? 'CRITICAL' : 'OK')));
    expect(flappy.at(-1)!.flapping).toBe(true);
    const steady = run([...Array.from({ length: 12 }, (_, i): CheckState => (i % 2 ? 'CRITICAL' : 'OK')), ...Array(21).fill('OK')]);
    expect(steady.at(-1)!.flapping).toBe(false);
    expect(flapPercent(['OK', 'OK', 'OK'])).toBe(0);
    expect(flapPercent(['OK', 'CRITICAL', 'OK'])).toBeCloseTo(100);
  });

  it('keeps the same memory for a check that stays as it was, and only then', () => {
    const ok = run(Array(30).fill('OK'));
    expect(ok[29]).toBe(ok[28]);
    expect(ok[29]).toMatchObject({ state: 'OK', hard: true, attempt: 0, since: 0, flapping: false });
    // From the first observation on: the window grows in place until it is full, then stays.
    expect(ok[1]).toBe(ok[0]);
    expect(ok[29]!.recent).toEqual(Array(21).fill('OK'));
    const down = run([...Array(21).fill('OK'), ...Array(30).fill('CRITICAL')]);
    expect(down.at(-1)).toBe(down.at(-2));
    expect(down.at(-1)).toMatchObject({ state: 'CRITICAL', hard: true, attempt: 3, since: 21_000 });
    // The same window, but more attempts allowed now (the fleet file changed): soft again, new memory.
    // A window with a change in it is copied (its length counts for the flap percentage) until
    // the change has left it; the old memory still says what it said.
    const soft = run(['OK', 'CRITICAL', 'CRITICAL', 'CRITICAL', 'CRITICAL']);
    expect(new Set(soft).size).toBe(5);
    expect(soft[4]!.recent).toEqual(['OK', 'CRITICAL', 'CRITICAL', 'CRITICAL', 'CRITICAL']);
    expect(soft[2]!.recent).toEqual(['OK', 'CRITICAL', 'CRITICAL']);
    const more = nextCheckStatus(down.at(-1)!, 'CRITICAL', 60_000, 5);
    expect(more).not.toBe(down.at(-1));
    expect(more).toMatchObject({ hard: false, attempt: 4 });
    expect(nextCheckStatus(ok[29]!, 'WARNING', 40_000, 3)).toMatchObject({ state: 'WARNING', attempt: 1, since: 40_000 });
  });

  it('calls data stale after three intervals without news', () => {
    expect(isStale(null, 0, 10_000)).toBe(true);
    expect(isStale(0, 30_000, 10_000)).toBe(false);
    expect(isStale(0, 30_001, 10_000)).toBe(true);
  });
});
