import { describe, expect, it } from 'vitest';
import { planWaves, waveFailed } from './waves';

const hosts = Array.from({ length: 10 }, (_, i) => `app-${i + 1}`);

describe('planWaves', () => {
  it('makes a canary, then waves up to each share, every host once', () => {
    const waves = planWaves(hosts, [1, '25%', '100%']);
    expect(waves.map((w) => w.length)).toEqual([1, 2, 7]);
    expect(waves.flat()).toEqual(hosts);
  });
  it('always ends with every host, and skips waves that add none', () => {
    expect(planWaves(hosts, [1, 1, '10%']).map((w) => w.length)).toEqual([1, 9]);
    expect(planWaves(['a', 'b'], [5]).map((w) => w.length)).toEqual([2]);
    expect(planWaves([], [1])).toEqual([]);
  });
  it('refuses a wave that reaches nobody', () => {
    expect(() => planWaves(hosts, [0])).toThrow(/reaches no host/);
  });
});

describe('waveFailed', () => {
  it('compares failures with a count or a share of the wave', () => {
    expect(waveFailed(0, 5, 0)).toBe(false);
    expect(waveFailed(1, 5, 0)).toBe(true);
    expect(waveFailed(1, 10, '10%')).toBe(false);
    expect(waveFailed(2, 10, '10%')).toBe(true);
  });
});
