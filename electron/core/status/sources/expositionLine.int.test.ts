import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusYaml, scrapeJob, startTestPrometheus, type PromSeries, type TestPrometheus } from '../../../../e2e/fleet/prometheus';
import { untilAsync } from '../../../../e2e/until';
import { parseNodeExporter, type NodeScrape } from './nodeExporter';
import { ParseError } from '../../common/parseError';

// The node_exporter reader against the reference: Debian's Prometheus scrapes a corpus of
// awkward lines from a small server here, and what it stored (asked through /api/v1/query) must
// be what the reader read; lines that make Prometheus fail the scrape must make the reader say
// why. Addresses 127.0.163.x.

const ADDRESS = '127.0.163.1';
const corpus = readFileSync(join(__dirname, 'fixtures', 'exposition-corpus.txt'), 'utf8');
const withNow = (text: string): string => text.replaceAll('{now}', String(Date.now()));

/** One line each that Prometheus refuses (the scrape fails), after a line it reads. */
const REFUSED: Record<string, string> = {
  hex: 'node_load1 0x10',
  underscore: 'node_load1 1_000',
  out_of_range: 'node_load1 1e400',
  no_value: 'node_load1 ',
  decimal_timestamp: 'node_load1 1 1.5',
  negative_timestamp: 'node_load1 1 -5',
  two_timestamps: 'node_load1 1 2 3',
  unquoted_label: 'node_load1{mode=idle} 1',
  unclosed_label: 'node_load1{mode="idle} 1',
  nameless_label: 'node_load1{="idle"} 1',
  crlf: 'node_load1 1\r',
};

/** Prometheus's JSON writes the special values as +Inf, -Inf and NaN. */
const promValue = (text: string): number => ({ '+Inf': Infinity, '-Inf': -Infinity, NaN: NaN })[text] ?? Number(text);

/** What the reader should have made of the series Prometheus stored (the corpus has no pseudo
 * filesystems and no loopback device, so every series counts). */
function expectedScrape(series: PromSeries[]): Partial<NodeScrape> {
  const expected = { fsSize: new Map(), fsAvail: new Map(), rx: new Map(), tx: new Map(), cpuAll: 0, cpuIdle: 0 } as Partial<NodeScrape> & Pick<NodeScrape, 'fsSize' | 'fsAvail' | 'rx' | 'tx' | 'cpuAll' | 'cpuIdle'>;
  const single: Record<string, keyof NodeScrape> = {
    node_load1: 'load1', node_load5: 'load5', node_load15: 'load15', node_time_seconds: 'time', node_boot_time_seconds: 'bootTime',
    node_memory_MemTotal_bytes: 'memTotal', node_memory_MemAvailable_bytes: 'memAvailable',
  };
  for (const { metric, value } of series) {
    const v = promValue(value[1]);
    const name = metric.__name__!;
    if (Object.hasOwn(single, name)) Object.assign(expected, { [single[name]!]: v });
    else if (name === 'node_cpu_seconds_total') {
      expected.cpuAll += v;
      if (metric.mode === 'idle') expected.cpuIdle += v;
    } else if (name === 'node_filesystem_size_bytes') expected.fsSize.set(metric.mountpoint ?? '', v);
    else if (name === 'node_filesystem_avail_bytes') expected.fsAvail.set(metric.mountpoint ?? '', v);
    else if (name === 'node_network_receive_bytes_total') expected.rx.set(metric.device ?? '', v);
    else if (name === 'node_network_transmit_bytes_total') expected.tx.set(metric.device ?? '', v);
  }
  return expected;
}

describe('the text format as Prometheus reads it', () => {
  let dir: string;
  let server: http.Server;
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-exposition-'));
    server = http.createServer((request, response) => {
      const refused = request.url?.startsWith('/refused/') ? REFUSED[request.url.slice('/refused/'.length)] : undefined;
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(refused === undefined ? withNow(corpus) : `node_time_seconds 1\n${refused}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
    const target = `${ADDRESS}:${(server.address() as AddressInfo).port}`;
    const jobs = [scrapeJob('corpus', [target], '/corpus'), ...Object.keys(REFUSED).map((name) => scrapeJob(name, [target], `/refused/${name}`))];
    prometheus = await startTestPrometheus(dir, `${ADDRESS}:9090`, prometheusYaml(1, jobs));
    await untilAsync('every target scraped once', async () => {
      const targets = await prometheus.targets();
      return targets.length === jobs.length && targets.every((t) => t.health !== 'unknown');
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the same values and label values as Prometheus from the corpus', async () => {
    const corpusTarget = (await prometheus.targets()).find((t) => t.scrapePool === 'corpus');
    expect(corpusTarget).toMatchObject({ health: 'up', lastError: '' });
    const series = await untilAsync('the corpus in the TSDB', async () => {
      const found = await prometheus.query('{job="corpus",__name__=~"node_.*"}');
      return found.length > 0 && found;
    });
    // Every sample line of the corpus was stored (none silently dropped by either side).
    expect(series.length).toBe(corpus.split('\n').filter((line) => line.trimStart().startsWith('node_')).length);
    const scrape = parseNodeExporter(withNow(corpus));
    expect(scrape).toMatchObject(expectedScrape(series));
  });

  it.each(Object.keys(REFUSED))('refuses the line Prometheus refuses: %s', async (name) => {
    const target = (await prometheus.targets()).find((t) => t.scrapePool === name);
    expect(target?.health).toBe('down');
    expect(target?.lastError).not.toBe('');
    expect(() => parseNodeExporter(`node_time_seconds 1\n${REFUSED[name]}\n`)).toThrow(ParseError);
  });
});
