// Optional prometheus-node-exporter per test host. Every exporter reads the same kernel, so the
// numbers are the machine's; what differs per host is the address it answers on.
import { NODE_EXPORTER_PORT } from './layout';

/** Only a few collectors: each scrape is cheaper, and starting hundreds of exporters is faster. */
const COLLECTORS = ['cpu', 'loadavg', 'meminfo', 'filesystem', 'netdev', 'time', 'uname', 'stat'];

/**
 * The textfile collector reads D/hosts/host-N/node_exporter.d/*.prom, so a test can give one host
 * metrics of its own (all else is the shared machine's). It also puts the host dir in the
 * exporter's command line, like sshd's and Monit's, which the pid checks in procs.ts rely on.
 */
export function nodeExporterArgs(address: string, textfileDir: string): string[] {
  return [
    `--web.listen-address=${address}:${NODE_EXPORTER_PORT}`,
    '--collector.disable-defaults',
    ...COLLECTORS.map((c) => `--collector.${c}`),
    '--collector.textfile',
    `--collector.textfile.directory=${textfileDir}`,
    '--log.level=warn',
  ];
}
