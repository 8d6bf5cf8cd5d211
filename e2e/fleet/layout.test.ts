import { describe, expect, it } from 'vitest';
import { hostAddress, hostName, MAX_HOST_INDEX } from './layout';

describe('hostAddress', () => {
  it('counts up from 127.0.10.1 and skips .0 and .255', () => {
    expect(hostAddress(0)).toBe('127.0.10.1');
    expect(hostAddress(1)).toBe('127.0.10.2');
    expect(hostAddress(253)).toBe('127.0.10.254');
    expect(hostAddress(254)).toBe('127.0.11.1');
    expect(hostAddress(999)).toBe('127.0.13.238');
  });

  it('stays inside 127.0.0.0/8 up to the last index and refuses beyond', () => {
    expect(hostAddress(MAX_HOST_INDEX)).toBe('127.0.255.254');
    expect(() => hostAddress(MAX_HOST_INDEX + 1)).toThrow(RangeError);
    expect(() => hostAddress(-1)).toThrow(RangeError);
    expect(() => hostAddress(1.5)).toThrow(RangeError);
  });

  it('gives distinct addresses to distinct hosts', () => {
    const seen = new Set(Array.from({ length: 2000 }, (_, i) => hostAddress(i)));
    expect(seen.size).toBe(2000);
  });
});

describe('hostName', () => {
  it('is 1-based', () => {
    expect(hostName(0)).toBe('host-1');
    expect(hostName(19)).toBe('host-20');
  });
});
