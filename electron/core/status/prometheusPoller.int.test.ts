import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../e2e/until';
import { fetchTargets } from '../inventory/prometheusTargets';
import type { Host } from '../../../shared/fleet/model';
import { PrometheusPoller, type PrometheusReport } from './prometheusPoller';

// Every way a Prometheus can fail to answer, from a server on a socket of its own: each is one
// problem of its source, worded for the operator, and no host gets a check from it. Address
// 127.0.161.251 (beside prometheus.int.test.ts's fleet).

const ADDRESS = '127.0.161.251';
const BAD_QUERY = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:4: parse error: unexpected end of input' });

const behaviours: Record<string, (response: http.ServerResponse) => void> = {
  auth: (r) => r.writeHead(401, { 'www-authenticate': 'Basic realm="prometheus"' }).end(),
  slow: () => undefined,
  error: (r) => r.writeHead(400, { 'content-type': 'application/json' }).end(BAD_QUERY),
  html: (r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html>Grafana</html>'),
  unavailable: (r) => r.writeHead(502).end('Bad Gateway'),
};
const TARGETS = JSON.stringify({ status: 'success', data: { activeTargets: [{ labels: { instance: '10.0.0.9:9100', job: 'node' }, health: 'up', lastError: '' }] } });
/** Answers only with the import's credentials. */
const guarded = (request: http.IncomingMessage, response: http.ServerResponse): void => {
  const granted = request.headers.authorization === `Basic ${Buffer.from('fleetdeck:s3cret').toString('base64')}`;
  if (granted) response.writeHead(200, { 'content-type': 'application/json' }).end(TARGETS);
  else response.writeHead(401).end();
};

function host(name: string, url: string): Host {
  return { name, address: '10.0.0.1', port: 22, user: 'u', environment: 'e', roles: ['r'], labels: {}, jump: null, identity: null, knownHosts: null, intervalMs: 1000, status: [{ prometheus: { url, auth: { user: 'fleetdeck', password: 'x' } } }] };
}

describe('a Prometheus that does not answer', () => {
  let server: http.Server;
  let base: string;
  const reports: PrometheusReport[] = [];
  let poller: PrometheusPoller;

  beforeAll(async () => {
    server = http.createServer((request, response) => (request.url!.startsWith('/guarded/') ? guarded(request, response) : behaviours[request.url!.split('/')[1]!]?.(response)));
    await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
    base = `http://${ADDRESS}:${(server.address() as AddressInfo).port}`;
    poller = new PrometheusPoller((report) => reports.push(report), 1 << 20);
    // Two hosts per Prometheus: still one problem each.
    poller.sync(Object.keys(behaviours).flatMap((kind) => [host(`${kind}-1`, `${base}/${kind}`), host(`${kind}-2`, `${base}/${kind}`)]));
  });

  afterAll(() => {
    poller?.dispose();
    server?.closeAllConnections();
    server?.close();
  });

  it.each([
    ['auth', /refused the credentials \(HTTP 401\)/],
    ['slow', /no complete answer from 127\.0\.161\.251:\d+ within 0\.8 s/],
    ['error', /Prometheus answered bad_data: invalid parameter "query": 1:4: parse error/],
    ['html', /the answer is not JSON \(is the URL a Prometheus\?\)/],
    ['unavailable', /answered HTTP 502/],
  ])('%s: one problem for the source, none for its hosts', async (kind, message) => {
    const report = await until(`the ${kind} problem`, () => reports.find((r) => r.problem?.url === `${base}/${kind}`));
    expect(report.problem).toMatchObject({ source: 'prometheus', message: expect.stringMatching(message), hosts: 2 });
    expect(report.results.size).toBe(0);
  });

  it("gives the import's credentials to Prometheus, and says when they are refused", async () => {
    expect(await fetchTargets({ url: `${base}/guarded`, auth: 'fleetdeck:s3cret' }, 2000)).toEqual({ targets: [{ labels: { instance: '10.0.0.9:9100', job: 'node' }, health: 'up', lastError: '' }] });
    expect(await fetchTargets({ url: `${base}/guarded`, auth: 'fleetdeck:wrong' }, 2000)).toEqual({ error: expect.stringMatching(/refused the credentials \(HTTP 401\)/) });
  });
});
