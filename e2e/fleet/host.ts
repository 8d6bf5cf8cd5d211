// Brings one test host up: its files, its host key, then sshd, node_exporter and Monit.
// Idempotent per daemon: a live daemon started with the same command line and config is reused,
// one started with a different config is restarted, a missing one is started.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { haproxyBinary, HAPROXY_STATS_PORT, renderHaproxyCfg, type HaproxyPlan } from './haproxy';
import { ensureKey, publicKey } from './keys';
import { hostAddress, hostName, hostPaths, MONIT_PORT, NODE_EXPORTER_PORT, SSH_PORT, type HostPaths } from './layout';
import { monitArgs, renderMonitrc } from './monit';
import { nodeExporterArgs } from './nodeExporter';
import type { Binaries } from './packages';
import { assertPortFree, waitForListen, waitUntil, type WaitTarget } from './ports';
import { descendantsOf, spawnDaemon, stopProcesses, type Spawned } from './procs';
import { BASTION_ADDRESS, inNamespace, PRIVATE_RANGE, listensIn, privateAddress, privateNetNames } from './privateNet';
import type { PasswordMethod } from './passwordUser';
import { renderSshdConfig, sshdArgs } from './sshd';
import type { ProcKind, ProcRecord } from './state';

export interface FleetHost {
  name: string;
  address: string;
  sshPort: number;
  monitPort: number;
  nodeExporterPort?: number;
  dir: string;
  /** The network namespace its daemons run in (a private host's, the bastion's); none on loopback. */
  netns?: string;
}

/** Everything startHost needs from the fleet; fleet.ts owns the state behind record/forget. */
export interface HostContext {
  dir: string;
  firstIndex: number;
  bins: Binaries;
  user: string;
  authorizedKeys: string;
  monitUser: string;
  monitPassword: string;
  monitInterval: number;
  mountPoint: string | null;
  perSourcePenalties: boolean;
  /** Hosts that take only a client key of their own (fleetUp's ownKey option), not the fleet's. */
  ownKey: ReadonlySet<string>;
  /** The password user's account and what each host named in fleetUp's option offers it. */
  passwordUser: { user: string; hosts: ReadonlyMap<string, PasswordMethod[]> } | null;
  nodeExporter: boolean;
  /** The load balancer, when the fleet has one and HAProxy is wanted. */
  haproxy: HaproxyPlan | null;
  readyTimeoutMs: number;
  /** The state journal, which every spawned child appends its own pid to (see procs.ts). */
  journal: string;
  /** Live records of this host and kind (already checked with isRunning). */
  live(host: string, kind: ProcKind): ProcRecord[];
  /** Called synchronously right after a spawn, so the pid is on disk before we wait on anything. */
  record(rec: ProcRecord): void;
  /** Called after processes were stopped here (a restart because the config changed). */
  forget(recs: ProcRecord[]): void;
}

export interface HostResult {
  host: FleetHost;
  started: ProcKind[];
  reused: ProcKind[];
  restarted: ProcKind[];
}

export function describeHost(dir: string, firstIndex: number, position: number, nodeExporter: boolean): FleetHost {
  const name = hostName(position);
  const host: FleetHost = {
    name,
    address: hostAddress(firstIndex + position),
    sshPort: SSH_PORT,
    monitPort: MONIT_PORT,
    dir: hostPaths(dir, name).dir,
  };
  if (nodeExporter) host.nodeExporterPort = NODE_EXPORTER_PORT;
  return host;
}

/** The bastion (bastion-1) and `count` private hosts (priv-1 …) of fleetUp's privateHosts option. */
export function describePrivateHosts(dir: string, count: number, nodeExporter: boolean): { bastion: FleetHost; hosts: FleetHost[] } {
  const names = privateNetNames(dir);
  const make = (name: string, address: string, netns: string): FleetHost => {
    const host: FleetHost = { name, address, sshPort: SSH_PORT, monitPort: MONIT_PORT, dir: hostPaths(dir, name).dir, netns };
    if (nodeExporter) host.nodeExporterPort = NODE_EXPORTER_PORT;
    return host;
  };
  return {
    bastion: make('bastion-1', BASTION_ADDRESS, names.bastionNs),
    hosts: Array.from({ length: count }, (_, i) => make(`priv-${i + 1}`, privateAddress(i), names.privateNs)),
  };
}

function writeIfChanged(file: string, text: string, mode: number): void {
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text, { mode });
  chmodSync(file, mode); // mode only applies when writeFileSync creates the file
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

interface DaemonSpec {
  kind: ProcKind;
  command: string;
  args: string[];
  /** Text of its config file (or '' when it has none): part of the identity of a running daemon. */
  configText: string;
  port: number;
  logFile: string;
  /** Files to remove before a fresh start, e.g. a stale pidfile Monit would trust. */
  staleFiles: string[];
  ready: (spawned: Spawned) => Promise<void>;
}

type Outcome = 'started' | 'reused' | 'restarted';

async function ensureDaemon(ctx: HostContext, host: FleetHost, spec: DaemonSpec): Promise<Outcome> {
  const config = hash(spec.command, ...spec.args, spec.configText);
  const live = ctx.live(host.name, spec.kind);
  const [only] = live;
  if (live.length === 1 && only && only.config === config) return 'reused';
  let outcome: Outcome = 'started';
  if (live.length > 0) {
    // With its children: an sshd's sessions outlive their listener, and a console's pooled
    // connection to the old sshd would go on being used (old key, old settings) after the restart.
    const left = await stopProcesses([...live, ...descendantsOf(live)]);
    if (left.length > 0) throw new Error(`${host.name}: could not stop old ${spec.kind} (pids ${left.map((p) => p.pid).join(', ')})`);
    ctx.forget(live);
    outcome = 'restarted';
  }
  for (const file of spec.staleFiles) rmSync(file, { force: true });
  // A namespace's addresses cannot be bound from here; the namespace is the fleet's own anyway.
  if (!host.netns) await assertPortFree(host.address, spec.port);
  const self = { journal: ctx.journal, host: host.name, kind: spec.kind, config, match: `${host.dir}/` };
  const run = host.netns ? inNamespace(host.netns, spec.command, spec.args) : { command: spec.command, args: spec.args };
  const spawned = spawnDaemon(run.command, run.args, spec.logFile, self);
  ctx.record({ host: host.name, kind: spec.kind, pid: spawned.pid, startTime: spawned.startTime, config, match: self.match });
  await spec.ready(spawned);
  return outcome;
}

function readPid(file: string): number | null {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** Waits until the daemon listens on the host's address: by connecting on loopback, and from
 * /proc inside a namespace (which the console's namespace may have no route to). */
function waitForHostListen(target: WaitTarget, host: FleetHost, spawned: Spawned, port: number, timeoutMs: number): Promise<void> {
  if (host.netns) return waitUntil(target, () => listensIn(spawned.pid, host.address, port), timeoutMs);
  return waitForListen(target, host.address, port, timeoutMs);
}

/** Starts host (describeHost's, or a private host) at position in the fleet's host order (-1 for
 * hosts outside it: the bastion and private hosts, which never run HAProxy). */
export async function startHost(ctx: HostContext, host: FleetHost, position: number): Promise<HostResult> {
  const paths: HostPaths = hostPaths(ctx.dir, host.name);
  for (const d of [paths.dir, paths.home, paths.monitDir, paths.textfileDir]) mkdirSync(d, { recursive: true });
  await ensureKey(ctx.bins.sshKeygen, paths.hostKey, `${host.name} host key (test fleet)`);
  let authorizedKeys = ctx.authorizedKeys;
  if (ctx.ownKey.has(host.name)) {
    await ensureKey(ctx.bins.sshKeygen, paths.ownKey, `${host.name} own client key (test fleet)`);
    writeIfChanged(paths.ownAuthorizedKeys, `${publicKey(`${paths.ownKey}.pub`)} ${host.name}-own\n`, 0o600);
    authorizedKeys = paths.ownAuthorizedKeys;
  }

  const sshdConfig = renderSshdConfig({
    name: host.name,
    address: host.address,
    paths,
    authorizedKeys,
    user: ctx.user,
    perSourcePenalties: ctx.perSourcePenalties,
    passwordUser: ctx.passwordUser?.hosts.has(host.name) ? { user: ctx.passwordUser.user, methods: ctx.passwordUser.hosts.get(host.name)! } : null,
  });
  writeIfChanged(paths.sshdConfig, sshdConfig, 0o644);
  const monitrc = renderMonitrc({
    name: host.name,
    address: host.address,
    paths,
    user: ctx.monitUser,
    password: ctx.monitPassword,
    interval: ctx.monitInterval,
    mountPoint: ctx.mountPoint,
    allowNetwork: host.netns ? PRIVATE_RANGE : null,
  });
  writeIfChanged(paths.monitrc, monitrc, 0o600);

  const result: HostResult = { host, started: [], reused: [], restarted: [] };
  const note = (kind: ProcKind, outcome: Outcome) => result[outcome].push(kind);
  const timeout = ctx.readyTimeoutMs;

  const sshd = ensureDaemon(ctx, host, {
    kind: 'sshd',
    command: ctx.bins.sshd,
    args: sshdArgs(paths),
    configText: sshdConfig,
    port: SSH_PORT,
    logFile: paths.sshdLog,
    staleFiles: [paths.sshdPid],
    // sshd writes its PidFile right after it starts listening; waiting for that (rather than
    // connecting) keeps probe connections out of the host's sshd.log.
    ready: (s) => waitUntil({ what: `${host.name} sshd`, child: s.child, logFile: paths.sshdLog }, () => readPid(paths.sshdPid) === s.pid, timeout),
  }).then((o) => note('sshd', o));

  const exporter = ctx.bins.nodeExporter && ctx.nodeExporter
    ? ensureDaemon(ctx, host, {
        kind: 'node_exporter',
        command: ctx.bins.nodeExporter,
        args: nodeExporterArgs(host.address, paths.textfileDir),
        configText: '',
        port: NODE_EXPORTER_PORT,
        logFile: paths.nodeExporterLog,
        staleFiles: [],
        ready: (s) => waitForHostListen({ what: `${host.name} node_exporter`, child: s.child, logFile: paths.nodeExporterLog }, host, s, NODE_EXPORTER_PORT, timeout),
      }).then((o) => note('node_exporter', o))
    : Promise.resolve();

  // Monit starts after sshd has written its pidfile, so its first cycle already sees sshd running.
  // allSettled: an exporter failure must not leave us returning while sshd is still being started.
  const [sshdDone] = await Promise.allSettled([sshd]);
  if (sshdDone.status === 'rejected') {
    await exporter.catch(() => undefined);
    throw sshdDone.reason;
  }
  const monit = ensureDaemon(ctx, host, {
    kind: 'monit',
    command: ctx.bins.monit,
    args: monitArgs(paths),
    configText: monitrc,
    port: MONIT_PORT,
    logFile: paths.monitOut,
    staleFiles: [paths.monitPid],
    ready: (s) => waitForHostListen({ what: `${host.name} monit`, child: s.child, logFile: paths.monitLog }, host, s, MONIT_PORT, timeout),
  }).then((o) => note('monit', o));
  const lb = ctx.haproxy && ctx.haproxy.lbPosition === position
    ? (() => {
        const cfg = renderHaproxyCfg(host.address, ctx.haproxy);
        writeIfChanged(paths.haproxyCfg, cfg, 0o644);
        return ensureDaemon(ctx, host, {
          kind: 'haproxy',
          command: haproxyBinary(),
          // -db: stay in the foreground, so its pid is the one recorded.
          args: ['-db', '-f', paths.haproxyCfg],
          configText: cfg,
          port: HAPROXY_STATS_PORT,
          logFile: paths.haproxyLog,
          staleFiles: [],
          ready: (s) => waitForListen({ what: `${host.name} haproxy`, child: s.child, logFile: paths.haproxyLog }, host.address, HAPROXY_STATS_PORT, timeout),
        }).then((o) => note('haproxy', o));
      })()
    : Promise.resolve();
  const settled = await Promise.allSettled([monit, exporter, lb]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return result;
}
