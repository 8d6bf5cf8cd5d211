import { describe, expect, it } from 'vitest';
import type { PromSample } from './prometheus';
import { PrometheusReads, REFRESH_EVERY_MS, type InstantAnswer } from './prometheusReads';

const sample = (instance: string, value: number, more: Record<string, string> = {}): PromSample => ({ metric: { instance, ...more }, value });
const answer = (at: number | null, ...series: PromSample[]): InstantAnswer => ({ series, at });
/** The values kept for a host and a query (their labels are not kept where none is read). */
const valuesOf = (reads: PrometheusReads, key: string, id: string) => (reads.seriesOf(key)?.[id] ?? []).map((s) => s.value);
const hosts = [
  { host: 'a', key: 'a:9100' },
  { host: 'b', key: 'b:9100' },
];

describe('what the reads of a Prometheus have told', () => {
  it('starts with a full read, then asks for what was scraped since the last one, less a margin', () => {
    const reads = new PrometheusReads('instance');
    expect(reads.scope(0)).toEqual({ kind: 'full' });
    const full = reads.take(reads.scope(0), new Map([['up', answer(1000, sample('a:9100', 1), sample('b:9100', 1))], ['gauge:node_load1', answer(1001, sample('a:9100', 0.5))]]), 0);
    expect(full).toBe('all');
    // The earliest answer's time, less 3 s: a scrape that started just before and ended after still counts.
    expect(reads.scope(10_000)).toEqual({ kind: 'fresh', since: 997 });
    expect(reads.everyHostUp(hosts)).toBe(true);
  });

  it("keeps a host's series until a read has new ones for it, and says which hosts changed", () => {
    const reads = new PrometheusReads('instance');
    reads.take(reads.scope(0), new Map([['up', answer(1000, sample('a:9100', 1), sample('b:9100', 1))], ['gauge:node_load1', answer(1000, sample('a:9100', 0.5), sample('b:9100', 0.7))]]), 0);
    const fresh = reads.scope(10_000);
    const changed = reads.take(fresh, new Map([['up', answer(1010, sample('b:9100', 0))], ['gauge:node_load1', answer(1010)], ['query:errors', answer(1010, sample('a:9100', 0.1))]]), 10_000);
    // b was scraped (up now 0); a only has a value of the user's query, which every read asks whole.
    expect(changed).toEqual(new Set(['b:9100']));
    expect(valuesOf(reads, 'a:9100', 'up')).toEqual([1]);
    expect(valuesOf(reads, 'b:9100', 'up')).toEqual([0]);
    expect(valuesOf(reads, 'b:9100', 'gauge:node_load1')).toEqual([0.7]);
    expect(valuesOf(reads, 'a:9100', 'query:errors')).toEqual([0.1]);
    expect(reads.everyHostUp(hosts)).toBe(false);
    expect(reads.scope(20_000)).toEqual({ kind: 'fresh', since: 1007 });
    // A mount point or a device is kept with its value; the host's own label is not.
    reads.take(reads.scope(20_000), new Map([['rx', answer(1020, sample('a:9100', 5, { device: 'eth0' }))]]), 20_000);
    expect(reads.seriesOf('a:9100')?.rx).toEqual([sample('a:9100', 5, { device: 'eth0' })]);
    expect(reads.seriesOf('a:9100')?.up?.[0]?.metric).toEqual({});
  });

  it('keeps its window after a read that found nothing new, and refreshes once a minute', () => {
    const reads = new PrometheusReads('instance');
    reads.take(reads.scope(0), new Map([['up', answer(1000, sample('a:9100', 1))]]), 0);
    expect(reads.take(reads.scope(10_000), new Map([['up', answer(null)]]), 10_000)).toEqual(new Set());
    expect(reads.scope(20_000)).toEqual({ kind: 'fresh', since: 997 });
    expect(reads.scope(REFRESH_EVERY_MS)).toEqual({ kind: 'refresh', since: 997 });
  });

  it('replaces what it knew of up and the slow families on a refresh, keeps the rest, and maps every host', () => {
    const reads = new PrometheusReads('instance');
    const size = 'gauge:node_memory_MemTotal_bytes';
    reads.take(reads.scope(0), new Map([['up', answer(1000, sample('a:9100', 1), sample('b:9100', 1))], [size, answer(1000, sample('a:9100', 8), sample('b:9100', 8))], ['cpu', answer(1000, sample('a:9100', 5), sample('b:9100', 6))]]), 0);
    const refresh = reads.scope(REFRESH_EVERY_MS);
    expect(refresh.kind).toBe('refresh');
    // b went away from Prometheus; a was not scraped since the last read (no cpu in the answer).
    expect(reads.take(refresh, new Map([['up', answer(1060, sample('a:9100', 1))], [size, answer(1060, sample('a:9100', 16))], ['cpu', answer(null)]]), REFRESH_EVERY_MS)).toBe('all');
    expect(valuesOf(reads, 'b:9100', 'up')).toEqual([]);
    expect(valuesOf(reads, 'b:9100', size)).toEqual([]);
    expect(valuesOf(reads, 'a:9100', size)).toEqual([16]);
    expect(valuesOf(reads, 'a:9100', 'cpu')).toEqual([5]);
    expect(reads.everyHostUp(hosts)).toBe(false);
  });

  it('refreshes early once for a host up without its sizes (it came up since), not again for one that has none', () => {
    const reads = new PrometheusReads('instance');
    const size = 'gauge:node_memory_MemTotal_bytes';
    reads.take(reads.scope(0), new Map([['up', answer(1000, sample('a:9100', 1), sample('b:9100', 0))], [size, answer(1000, sample('a:9100', 8))]]), 0);
    expect(reads.take(reads.scope(10_000), new Map([['up', answer(1010, sample('a:9100', 1))]]), 10_000)).toEqual(new Set(['a:9100']));
    expect(reads.scope(20_000).kind).toBe('fresh');
    reads.take(reads.scope(20_000), new Map([['up', answer(1020, sample('b:9100', 1))]]), 20_000);
    const refresh = reads.scope(30_000);
    expect(refresh.kind).toBe('refresh');
    // b answers without sizes (not Linux, say): it does not bring the refresh forward again.
    reads.take(refresh, new Map([['up', answer(1030, sample('a:9100', 1), sample('b:9100', 1))], [size, answer(1030, sample('a:9100', 8))]]), 30_000);
    reads.take(reads.scope(40_000), new Map([['up', answer(1040, sample('b:9100', 1))]]), 40_000);
    expect(reads.scope(50_000).kind).toBe('fresh');
  });

  it('reads everything again after the hosts changed, or a full read that had no series', () => {
    const reads = new PrometheusReads('instance');
    reads.take(reads.scope(0), new Map([['up', answer(null)]]), 0);
    expect(reads.scope(10_000)).toEqual({ kind: 'full' });
    reads.take(reads.scope(10_000), new Map([['up', answer(1000, sample('a:9100', 1))]]), 10_000);
    reads.forgetAll();
    expect(reads.scope(20_000)).toEqual({ kind: 'full' });
  });
});
