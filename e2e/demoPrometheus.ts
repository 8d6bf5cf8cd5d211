import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './bench/prometheus';
import type { RunningFleet } from './fleet/fleet';
import { NODE_EXPORTER_PORT } from './fleet/layout';
import { backfillTsdb, nodeBackfill, prometheusYaml, scrapeJob, startTestPrometheus } from './fleet/prometheus';

// `npm run demo -- --prometheus`: Debian's Prometheus scraping the demo fleet's node_exporters
// every 5 s, its TSDB backfilled with 7 days of samples of each host first (so the host pages'
// 7-day graphs have something to draw), and fleet-prometheus.yaml beside the fleet file: the
// same fleet with the defaults' status read from that Prometheus instead of each host.

const BACKFILL_DAYS = 7;
/** Prometheus runs under coreutils' timeout like every daemon here: a demo is a day at most. */
const LIMIT_S = 86_400;

export interface DemoPrometheus {
  url: string;
  fleetFile: string;
  stop(): Promise<void>;
}

export async function startDemoPrometheus(dir: string, fleet: RunningFleet): Promise<DemoPrometheus> {
  const targets = fleet.hosts.map((h) => `${h.address}:${NODE_EXPORTER_PORT}`);
  // Up to an hour ago: the live scrapes take over from there.
  backfillTsdb(dir, nodeBackfill(targets, Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600, BACKFILL_DAYS));
  const listen = `127.0.0.1:${await freePort()}`;
  const prometheus = await startTestPrometheus(dir, listen, prometheusYaml(5, [scrapeJob('node', targets)]), { retention: '30d', limitS: LIMIT_S });
  const source = `{ prometheus: { url: "${prometheus.url}", job: node, instance: "{address}:${NODE_EXPORTER_PORT}", rate_window: 30s } }`;
  const fleetFile = path.join(path.dirname(fleet.fleetFile), 'fleet-prometheus.yaml');
  const original = readFileSync(fleet.fleetFile, 'utf8');
  const withPrometheus = original.replace(/\n {2}status:\n(?: {4}- .*\n)+/, `\n  status: [ ${source} ]\n`);
  if (withPrometheus === original) throw new Error(`no defaults status list in ${fleet.fleetFile} to replace`);
  writeFileSync(fleetFile, withPrometheus);
  return { url: prometheus.url, fleetFile, stop: () => prometheus.stop() };
}
