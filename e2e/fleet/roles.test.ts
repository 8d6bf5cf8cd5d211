import { describe, expect, it } from 'vitest';
import { roleGroups, splitFleet } from './roles';

const total = (n: number) => {
  const s = splitFleet(n);
  return s.staging.app + s.production.lb + s.production.app + s.production.db;
};

describe('splitFleet', () => {
  it('puts a single host in staging only', () => {
    expect(splitFleet(1)).toEqual({ staging: { app: 1 }, production: { lb: 0, app: 0, db: 0 } });
  });

  it('gives 2 hosts one staging and one production app', () => {
    expect(splitFleet(2)).toEqual({ staging: { app: 1 }, production: { lb: 0, app: 1, db: 0 } });
  });

  it('gives 3 hosts staging app, production lb and app', () => {
    expect(splitFleet(3)).toEqual({ staging: { app: 1 }, production: { lb: 1, app: 1, db: 0 } });
  });

  it('adds a db from 4 hosts on', () => {
    expect(splitFleet(4)).toEqual({ staging: { app: 1 }, production: { lb: 1, app: 1, db: 1 } });
  });

  it('splits 20 hosts about a third staging, one lb, most app, some db', () => {
    expect(splitFleet(20)).toEqual({ staging: { app: 7 }, production: { lb: 1, app: 11, db: 1 } });
  });

  it('accounts for every host and keeps app the largest production role', () => {
    for (const n of [3, 4, 5, 7, 10, 20, 50, 100, 333, 1000]) {
      const s = splitFleet(n);
      expect(total(n)).toBe(n);
      expect(s.production.lb).toBe(1);
      expect(s.production.app).toBeGreaterThanOrEqual(s.production.db);
      expect(Math.abs(s.staging.app - n / 3)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses nonsense', () => {
    expect(() => splitFleet(0)).toThrow(RangeError);
    expect(() => splitFleet(2.5)).toThrow(RangeError);
  });
});

describe('roleGroups', () => {
  it('numbers hosts consecutively: staging, lb, app, db', () => {
    expect(roleGroups(5)).toEqual([
      { environment: 'staging', role: 'app', positions: [0, 1] },
      { environment: 'production', role: 'lb', positions: [2] },
      { environment: 'production', role: 'app', positions: [3] },
      { environment: 'production', role: 'db', positions: [4] },
    ]);
  });

  it('covers each position exactly once', () => {
    const positions = roleGroups(57).flatMap((g) => g.positions);
    expect(positions).toEqual(Array.from({ length: 57 }, (_, i) => i));
  });
});
