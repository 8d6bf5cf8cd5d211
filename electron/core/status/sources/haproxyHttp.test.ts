import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHaproxyCsv } from './haproxy';
import { httpCheck } from './http';
import { ParseError } from '../../common/parseError';

const csv = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('HAProxy stats', () => {
  it('makes a check of every backend server, by its state in the load balancer', () => {
    const { result, servers } = parseHaproxyCsv(csv('haproxy-2.6.12-stats.csv'));
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(['haproxy:be_web/web1', 'haproxy:be_web/web2', 'haproxy:be_web/web3', 'haproxy:be_web/web4']);
    expect(byId['haproxy:be_web/web1']!.state).toBe('OK');
    expect(byId['haproxy:be_web/web3']).toMatchObject({ state: 'CRITICAL' });
    expect(byId['haproxy:be_web/web3']!.reason).toMatch(/DOWN in the load balancer \(connection refused/);
    expect(byId['haproxy:be_web/web4']).toMatchObject({ state: 'WARNING', reason: 'be_web/web4 is in maintenance in the load balancer' });
    expect(servers.map((s) => s.state)).toEqual(['OK', 'OK', 'CRITICAL', 'WARNING']);
  });

  it('shows a server coming back up as a warning', () => {
    const { result } = parseHaproxyCsv(csv('haproxy-2.6.12-stats-goingup.csv'));
    expect(result.checks[0]).toMatchObject({ state: 'WARNING', reason: 'be_web/web1 is coming back up (1 of 2 checks passed)' });
  });

  it('refuses what is not its CSV', () => {
    expect(() => parseHaproxyCsv('<html>503 Service Unavailable</html>')).toThrow(ParseError);
    expect(() => parseHaproxyCsv('a,b,c\n1,2,3\n')).toThrow(/header/);
  });
});

describe('HTTP health', () => {
  const url = 'http://127.0.10.3:8080/health';
  it('is OK on 2xx, CRITICAL otherwise, and checks body and latency', () => {
    expect(httpCheck({ status: 200, latencyMs: 3, body: '{"ok":true}' }, { url }).checks[0]).toMatchObject({ state: 'OK' });
    expect(httpCheck({ status: 500, latencyMs: 3, body: '' }, { url }).checks[0]).toMatchObject({ state: 'CRITICAL', reason: `${url} answered 500, expected 2xx (3 ms)` });
    expect(httpCheck({ status: 200, latencyMs: 3, body: 'maintenance' }, { url, match: '"ok":true' }).checks[0]!.state).toBe('CRITICAL');
    expect(httpCheck({ status: 200, latencyMs: 900, body: '' }, { url, warnMs: 500, critMs: 2000 }).checks[0]!.state).toBe('WARNING');
    expect(httpCheck({ status: 301, latencyMs: 1, body: '' }, { url, expect: [200, 301] }).checks[0]!.state).toBe('OK');
  });
});
