// nginx from Debian standing in for 1,000 hosts' Monit and node_exporter: one server listening on
// ADDR:2812 and one on ADDR:9100 for every host address, with its own prefix, config, pid file
// and logs in the run's temp dir (never the system ones). One worker process: the machine has
// two cores and the pollers are the thing being measured.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { inNamespace, listensIn } from '../fleet/privateNet';
import { startDaemon, logTail, type Daemon } from './daemons';
import { FIXTURES, MONIT_XML, MONIT_XML2, writeNodeExporterSteps } from './pollFixtures';

export const MONIT_PORT = 2812;
export const NODE_EXPORTER_PORT = 9100;
export const MONIT_USER = 'admin';
export const MONIT_PASSWORD = 'bench-monit';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function nginxConfig(prefix: string, addresses: string[], monit = true): string {
  // Enough descriptors for every listening socket, a keep-alive connection from each poller
  // to each host, and the files.
  const connections = Math.max(4096, addresses.length * (monit ? 6 : 3) + 1024);
  const lines = [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `worker_rlimit_nofile ${connections * 2};`,
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    `events { worker_connections ${connections}; }`,
    'http {',
    '  access_log off;',
    '  server_tokens off;',
    '  sendfile on;',
    '  types { }',
    `  client_body_temp_path ${join(prefix, 'tmp', 'body')};`,
    `  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};`,
    '  open_file_cache max=2000 inactive=120s;',
    '  open_file_cache_valid 3600s;',
    // The node_exporter variant for this 10-second step of the hour: minute and tens digit.
    '  map $time_iso8601 $ne_step {',
    '    "~T\\d\\d:(?<mm>\\d\\d):(?<t>\\d)" "$mm$t";',
    '    default "000";',
    '  }',
    ...(monit ? monitServer(prefix, addresses) : []),
    '  # node_exporter: Prometheus text, gzipped for clients that accept it, keep-alive.',
    '  server {',
    ...addresses.map((a) => `    listen ${a}:${NODE_EXPORTER_PORT};`),
    '    default_type "text/plain; version=0.0.4; charset=utf-8";',
    '    keepalive_requests 100000;',
    '    keepalive_timeout 75s;',
    '    gzip_static on;',
    '    gzip_vary on;',
    `    root ${join(prefix, 'www', 'ne')};`,
    '    location = /metrics { try_files /$ne_step.txt =404; }',
    '    location / { return 404; }',
    '  }',
    '}',
  ];
  return lines.join('\n') + '\n';
}

function monitServer(prefix: string, addresses: string[]): string[] {
  return [
    '  # Monit: basic auth, ISO-8859-1 XML, and no keep-alive (Monit closes every connection).',
    '  server {',
    ...addresses.map((a) => `    listen ${a}:${MONIT_PORT};`),
    '    keepalive_timeout 0;',
    `    auth_basic "monit";`,
    `    auth_basic_user_file ${join(prefix, 'htpasswd')};`,
    '    default_type "text/xml; charset=ISO-8859-1";',
    `    location = /_status { alias ${join(prefix, 'www', MONIT_XML)}; }`,
    `    location = /_status2 { alias ${join(prefix, 'www', MONIT_XML2)}; }`,
    '    location / { return 404; }',
    '  }',
  ];
}

export interface NginxSetup {
  daemon: Daemon;
  /** Average size of a node_exporter response, uncompressed. */
  metricsBytes: number;
}

/** `namespace`: run inside that network namespace (the private network's endpoints, which this
 * namespace cannot connect to: readiness is read from /proc instead). `name` is its folder in dir. */
export async function startNginx(opts: {
  nginx: string;
  timeoutBin: string;
  dir: string;
  addresses: string[];
  limitS: number;
  /** Serve Monit's XML too (default true). */
  monit?: boolean;
  /** Only these node_exporter families (default: the whole capture). */
  families?: ReadonlySet<string>;
  /** Run inside this network namespace (the private network's endpoints). */
  namespace?: string;
  /** Its folder in `dir` (default nginx), for running several. */
  name?: string;
}): Promise<NginxSetup> {
  const monit = opts.monit ?? true;
  const prefix = join(opts.dir, opts.name ?? 'nginx');
  for (const sub of ['www', 'tmp', 'logs']) mkdirSync(join(prefix, sub), { recursive: true });
  // Run as root, nginx's workers drop to an unprivileged user: they must be able to read the
  // files (fixtures and a loopback-only password: nothing secret) down from the temp dir.
  for (const path of [opts.dir, prefix, join(prefix, 'www')]) chmodSync(path, 0o755);
  for (const file of [MONIT_XML, MONIT_XML2]) copyFileSync(join(FIXTURES, file), join(prefix, 'www', file));
  const steps = writeNodeExporterSteps(join(prefix, 'www', 'ne'), opts.families);
  // nginx reads {PLAIN} entries; no hashing tool needed for a loopback-only benchmark password.
  writeFileSync(join(prefix, 'htpasswd'), `${MONIT_USER}:{PLAIN}${MONIT_PASSWORD}\n`);
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(prefix, opts.addresses, monit));
  const logFile = join(prefix, 'stderr.log');
  // -e: nginx 1.19.5+ writes its early errors there rather than to the system's error log.
  const args = ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')];
  const command = opts.namespace ? inNamespace(opts.namespace, opts.nginx, args) : { command: opts.nginx, args };
  const daemon = await startDaemon({ what: 'nginx', timeoutBin: opts.timeoutBin, limitS: opts.limitS, ...command, logFile, match: prefix });
  try {
    const last = opts.addresses[opts.addresses.length - 1] as string;
    const pid = daemon.main.pid;
    const listens = opts.namespace
      ? async () => listensIn(pid, last, NODE_EXPORTER_PORT) && (!monit || listensIn(pid, last, MONIT_PORT))
      : undefined;
    await waitForPort(daemon, last, NODE_EXPORTER_PORT, 20000, listens);
    if (monit) await waitForPort(daemon, last, MONIT_PORT, 5000, listens);
  } catch (error) {
    await daemon.stop().catch(() => undefined);
    throw new Error(`${(error as Error).message}${logTail(join(prefix, 'error.log'))}${logTail(logFile)}`);
  }
  return { daemon, metricsBytes: steps.bytes };
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(daemon: Daemon, host: string, port: number, timeoutMs: number, listens = () => canConnect(host, port)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.child.exitCode !== null) throw new Error(`nginx exited (code ${daemon.child.exitCode}) before it listened`);
    if (await listens()) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await sleep(50);
  }
}
