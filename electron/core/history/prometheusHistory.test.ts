import { describe, expect, it } from 'vitest';
import { SOURCE_SETTINGS } from '../../../shared/status/sourceSettings';
import { metricPromql, parseRange, rangeRequests, type RangeRequest } from './prometheusHistory';

const settings = SOURCE_SETTINGS.prometheus.parse({ url: 'http://prom:9090', job: 'node', queries: [{ name: 'errors', query: 'errors_ratio' }] });
const request: RangeRequest = { metric: 'load1', promql: 'x', startS: 1000, endS: 2000, stepS: 100 };
const matrix = (result: unknown[]) => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });

describe('graphs from Prometheus', () => {
  it("quotes the host's label value and the mount point into the PromQL", () => {
    expect(metricPromql('disk_used_pct:/a"b', settings, 'h"1:9100')).toBe(
      '100 * (1 - node_filesystem_avail_bytes{job="node",instance="h\\"1:9100",mountpoint="/a\\"b"} / node_filesystem_size_bytes{job="node",instance="h\\"1:9100",mountpoint="/a\\"b"})',
    );
    expect(metricPromql('errors', settings, 'h1')).toBe('(errors_ratio) and on(instance) label_replace(vector(1), "instance", "h1", "", "")');
    expect(metricPromql('latency_ms:health', settings, 'h1')).toBeNull();
  });

  it('asks for a fixed number of points whatever the span, aligned to the step', () => {
    const [hour] = rangeRequests({ host: 'h', metrics: ['load1'], range: '1h', points: 600 }, settings, 'h1', 1_000_000_003_000);
    const [month] = rangeRequests({ host: 'h', metrics: ['load1'], range: '30d', points: 600 }, settings, 'h1', 1_000_000_003_000);
    expect([hour!.request!.stepS, month!.request!.stepS]).toEqual([6, 4320]);
    for (const r of [hour!.request!, month!.request!]) {
      expect((r.endS - r.startS) / r.stepS).toBeLessThanOrEqual(600);
      expect(r.endS % r.stepS).toBe(0);
    }
    expect(month!.request!.promql).toContain('[4320s:432s]');
  });

  it('gives [start of the step, avg, min, max] from the three series', () => {
    const series = parseRange(
      matrix([
        { metric: { agg: 'avg' }, values: [[1100, '2'], [1200, '3']] },
        { metric: { agg: 'min' }, values: [[1100, '1'], [1200, '3']] },
        { metric: { agg: 'max' }, values: [[1100, '4'], [1200, 'NaN']] },
      ]),
      request,
    );
    expect(series).toEqual({ metric: 'load1', points: [[1_000_000, 2, 1, 4], [1_100_000, 3, 3, 3]] });
  });

  it('refuses what is not an answer to the range query, with the reason', () => {
    expect(() => parseRange('<html>', request)).toThrow('load1: the answer is not JSON (is the URL a Prometheus?)');
    expect(() => parseRange(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }), request)).toThrow('load1: Prometheus answered bad_data: parse error');
    expect(() => parseRange(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }), request)).toThrow("load1: not a range query's answer");
    // More series than avg, min and max: the query matched more than this host.
    const four = Array.from({ length: 4 }, (_, i) => ({ metric: { agg: 'avg', i: String(i) }, values: [] }));
    expect(() => parseRange(matrix(four), request)).toThrow("load1: not a range query's answer");
    // Points outside the range asked are dropped.
    expect(parseRange(matrix([{ metric: { agg: 'avg' }, values: [[999_999, '1']] }]), request).points).toEqual([]);
  });
});
