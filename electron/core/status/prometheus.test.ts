import { describe, expect, it } from 'vitest';
import { SOURCE_SETTINGS } from '../../../shared/status/sourceSettings';
import { ParseError } from '../common/parseError';
import { byKey, parseInstant, parseTargets, parseVector, prometheusQueries, prometheusResults, type PromSample } from './prometheus';

const settings = (more: object = {}) => SOURCE_SETTINGS.prometheus.parse({ url: 'http://prom:9090', ...more });
const vector = (result: Array<[Record<string, string>, string]>): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result: result.map(([metric, v]) => ({ metric, value: [1700000000.5, v] })) } });
const GAUGE_NAMES = ['node_load1', 'node_load5', 'node_load15', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_boot_time_seconds', 'node_filesystem_size_bytes', 'node_filesystem_avail_bytes'];
const at = (instance: string, more: Record<string, string> = {}) => ({ instance, job: 'node', ...more });

describe('the Prometheus source: queries', () => {
  it('asks a handful of whole-fleet queries, narrowed to the job, grouped by the label', () => {
    const queries = prometheusQueries(settings({ job: 'node', label: 'host', rate_window: '1m', queries: [{ name: 'errors', query: 'errors_ratio', warn: 0.05 }] }));
    const promql = Object.fromEntries(queries.map((q) => [q.id, q.promql]));
    expect(Object.keys(promql)).toEqual(['up', ...GAUGE_NAMES.map((n) => `gauge:${n}`), 'cpu', 'rx', 'tx', 'query:errors']);
    expect(promql.up).toBe('min by (host) (up{job="node"})');
    expect(promql['gauge:node_load1']).toBe('max by (host) (node_load1{job="node"})');
    expect(promql['gauge:node_filesystem_avail_bytes']).toMatch(/^max by \(host, mountpoint\) \(node_filesystem_avail_bytes\{job="node",fstype!~"tmpfs\|.*"\}\)$/);
    expect(promql.cpu).toBe('100 * (1 - avg by (host) (rate(node_cpu_seconds_total{job="node",mode="idle"}[1m])))');
    expect(promql.rx).toBe('sum by (host, device) (rate(node_network_receive_bytes_total{job="node",device!="lo"}[1m]))');
    expect(promql['query:errors']).toBe('errors_ratio');
    expect(prometheusQueries(settings({ job: 'a"b' }))[0]!.promql).toBe('min by (instance) (up{job="a\\"b"})');
    expect(prometheusQueries(settings())[0]!.promql).toBe('min by (instance) (up)');
  });

  it('between full reads, asks only for the hosts scraped since, and not for the families that barely change', () => {
    const queries = prometheusQueries(settings({ job: 'node', queries: [{ name: 'errors', query: 'errors_ratio' }] }), { kind: 'fresh', since: 1700000000.5 });
    const promql = Object.fromEntries(queries.map((q) => [q.id, q.promql]));
    const slow = ['node_memory_MemTotal_bytes', 'node_boot_time_seconds', 'node_filesystem_size_bytes'];
    expect(Object.keys(promql)).toEqual(['up', ...GAUGE_NAMES.filter((n) => !slow.includes(n)).map((n) => `gauge:${n}`), 'cpu', 'rx', 'tx', 'query:errors']);
    const since = ' and on (instance) (timestamp(up{job="node"}) > 1700000000.5)';
    expect(promql.up).toBe(`(min by (instance) (up{job="node"}))${since}`);
    expect(promql.cpu).toBe(`(100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{job="node",mode="idle"}[2m]))))${since}`);
    // The user's own may come from recording rules, not scrapes: asked whole every time.
    expect(promql['query:errors']).toBe('errors_ratio');
  });

  it('once a minute, asks for up and the slow families whole, the others still only for the hosts scraped since', () => {
    const queries = prometheusQueries(settings({ job: 'node' }), { kind: 'refresh', since: 1700000000.5 });
    const promql = Object.fromEntries(queries.map((q) => [q.id, q.promql]));
    expect(Object.keys(promql)).toEqual(['up', ...GAUGE_NAMES.map((n) => `gauge:${n}`), 'cpu', 'rx', 'tx']);
    expect(promql.up).toBe('min by (instance) (up{job="node"})');
    expect(promql['gauge:node_memory_MemTotal_bytes']).toBe('max by (instance) (node_memory_MemTotal_bytes{job="node"})');
    expect(promql['gauge:node_load1']).toBe('(max by (instance) (node_load1{job="node"})) and on (instance) (timestamp(up{job="node"}) > 1700000000.5)');
  });
});

describe('the Prometheus source: answers', () => {
  it('reads a vector, the special values included', () => {
    const series = parseVector(vector([[{ instance: 'a' }, '+Inf'], [{ instance: 'b' }, 'NaN'], [{ instance: 'c' }, '0.25']]), 'up');
    expect(series.map((s) => s.value)).toEqual([Infinity, NaN, 0.25]);
  });

  it('says when Prometheus evaluated an answer, and nothing for an empty one', () => {
    expect(parseInstant(vector([[{ instance: 'a' }, '1']]), 'up').at).toBe(1700000000.5);
    expect(parseInstant(vector([]), 'up')).toEqual({ series: [], at: null });
  });

  it("says why when an answer is not one: Prometheus's own error, another type, not JSON", () => {
    const error = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' });
    expect(() => parseVector(error, 'query:errors')).toThrow('query:errors: Prometheus answered bad_data: invalid parameter "query": 1:5: parse error');
    expect(() => parseVector(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }), 'q')).toThrow('q: the query gives a scalar, not one value per host');
    expect(() => parseVector('<html>', 'up')).toThrow(ParseError);
    expect(() => parseVector(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] } }), 'up')).toThrow(/not the answer of a Prometheus API/);
    expect(() => parseTargets('{"status":"success","data":{}}')).toThrow(/targets: not the answer/);
  });
});

describe('the Prometheus source: hosts', () => {
  const s = settings({ job: 'node', queries: [{ name: 'errors', query: 'errors_ratio', warn: 0.05, crit: 0.5 }] });
  const hosts = [
    { host: 'web-1', key: '10.0.0.1:9100' },
    { host: 'web-2', key: '10.0.0.2:9100' },
    { host: 'host-7', key: '10.0.0.7:9100' },
  ];
  const answers = new Map<string, PromSample[]>([
    ['up', [{ metric: at('10.0.0.1:9100'), value: 1 }, { metric: at('10.0.0.2:9100'), value: 0 }]],
    ['gauge:node_load1', [{ metric: { instance: '10.0.0.1:9100' }, value: 0.5 }]],
    ['gauge:node_memory_MemTotal_bytes', [{ metric: { instance: '10.0.0.1:9100' }, value: 1000 }]],
    ['gauge:node_memory_MemAvailable_bytes', [{ metric: { instance: '10.0.0.1:9100' }, value: 20 }]],
    ['gauge:node_filesystem_size_bytes', [{ metric: { instance: '10.0.0.1:9100', mountpoint: '/' }, value: 100 }, { metric: { instance: '10.0.0.1:9100', mountpoint: '/run' }, value: 100 }]],
    ['gauge:node_filesystem_avail_bytes', [{ metric: { instance: '10.0.0.1:9100', mountpoint: '/' }, value: 50 }]],
    ['cpu', [{ metric: { instance: '10.0.0.1:9100' }, value: 12.5 }]],
    ['rx', [{ metric: at('10.0.0.1:9100', { device: 'eth0' }), value: 2048 }]],
    ['tx', []],
    ['query:errors', [{ metric: at('10.0.0.1:9100'), value: 0.07 }]],
  ]);
  const targets = [
    { labels: at('10.0.0.1:9100'), health: 'up', lastError: '' },
    { labels: at('10.0.0.2:9100'), health: 'down', lastError: 'Get "http://10.0.0.2:9100/metrics": dial tcp 10.0.0.2:9100: connect: connection refused' },
  ];
  const byHost = new Map<string, Record<string, PromSample[]>>();
  for (const [id, series] of answers) for (const [key, list] of byKey(series, 'instance')) byHost.set(key, { ...byHost.get(key), [id]: list });
  const results = prometheusResults(hosts, (key) => byHost.get(key), targets, s, 1_700_000_000_000);
  const checks = (host: string) => Object.fromEntries(results.get(host)!.checks.map((c) => [c.id, c]));

  it('turns a host that is up into the checks and samples node_exporter would give', () => {
    expect(checks('web-1')['prometheus:target']).toMatchObject({ state: 'OK', source: 'prometheus' });
    expect(checks('web-1')['prometheus:memory']).toMatchObject({ state: 'CRITICAL', reason: 'memory 98.0 % used (critical at 97 %)' });
    expect(checks('web-1')['prometheus:disk:/']).toMatchObject({ state: 'OK' });
    expect(checks('web-1')['prometheus:disk:/run']).toBeUndefined();
    expect(Object.fromEntries(results.get('web-1')!.samples.map((x) => [x.metric, x.value]))).toEqual({ load1: 0.5, mem_used_pct: 98, 'disk_used_pct:/': 50, cpu_pct: 12.5, 'net_rx_bps:eth0': 2048, errors: 0.07 });
  });

  it("checks the user's own query against its thresholds", () => {
    expect(checks('web-1')['prometheus:query:errors']).toMatchObject({ state: 'WARNING', reason: 'errors is 0.07 (warning above 0.05)' });
  });

  it("makes up == 0 CRITICAL with Prometheus's own reason, and a host it does not know UNKNOWN", () => {
    expect(results.get('web-2')!.checks).toEqual([
      { id: 'prometheus:target', source: 'prometheus', name: 'Prometheus target', state: 'CRITICAL', reason: 'Prometheus cannot scrape 10.0.0.2:9100: Get "http://10.0.0.2:9100/metrics": dial tcp 10.0.0.2:9100: connect: connection refused' },
    ]);
    expect(results.get('host-7')!.checks).toEqual([
      { id: 'prometheus:target', source: 'prometheus', name: 'Prometheus target', state: 'UNKNOWN', reason: 'Prometheus has no target for host-7 (looked for instance="10.0.0.7:9100" in job "node")' },
    ]);
  });
});
