import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ownString } from './ownString';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap used after keeping one cut of each of 20 fresh 1 MB answers, cut by `keep`. */
function heapAfterKeeping(keep: (cut: string) => string): number {
  const kept: string[] = [];
  for (let i = 0; i < 20; i++) {
    const body = `${String(i).padStart(4, '0')}${'x'.repeat(1 << 20)}mountpoint="/var/lib/docker/overlay2"\n`;
    const at = body.indexOf('mountpoint="') + 12;
    kept.push(keep(body.slice(at, body.indexOf('"', at))));
  }
  gc();
  gc();
  const used = process.memoryUsage().heapUsed;
  expect(kept).toHaveLength(20);
  return used;
}

describe('ownString', () => {
  it('gives the same text', () => {
    expect(ownString('short')).toBe('short');
    expect(ownString('/var/lib/docker/overlay2')).toBe('/var/lib/docker/overlay2');
    expect(ownString('')).toBe('');
  });

  it('lets the answer a cut came from be freed, where the cut itself keeps it', () => {
    // The same number of kept strings, each a fresh copy made without any slicing.
    const base = heapAfterKeeping((cut) => [...cut].join(''));
    const sliced = heapAfterKeeping((cut) => cut);
    const owned = heapAfterKeeping(ownString);
    // 20 answers of 1 MB each stay alive behind plain cuts, and not behind owned ones.
    expect(sliced - base).toBeGreaterThan(15 << 20);
    expect(owned - base).toBeLessThan(2 << 20);
  });
});
