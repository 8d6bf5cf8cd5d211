// The test fleet's programmatic API: fleetUp / fleetDown / fleetStatus, plus helpers for adding
// Monit checks to a host. Tests, demos and benchmarks call these; cli.ts is a thin wrapper.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { renderFleetYaml } from './fleetFile';
import { HAPROXY_STATS_PORT, type HaproxyPlan } from './haproxy';
import { describeHost, describePrivateHosts, startHost, type FleetHost, type HostContext } from './host';
import { assertCanMakePrivateNet, ensurePrivateNet, MAX_PRIVATE_HOSTS, removePrivateNet } from './privateNet';
import { ensureKey, knownHostsLine, publicKey } from './keys';
import { fleetPaths, hostPaths, MAX_HOST_INDEX, NODE_EXPORTER_PORT, SSH_PORT } from './layout';
import { defaultMonitInterval, mountPointOf } from './monit';
import { ensurePackages, opensshVersion } from './packages';
import { ensurePasswordUser, PASSWORD_USER, type PasswordMethod } from './passwordUser';
import { forEachLimit } from './pool';
import { roleGroups } from './roles';
import { recordOptions } from './recordedOptions';
import { sampleAppRepo, stopSampleApps } from './sampleApp';
import { descendantsOf, isRunning, stopProcesses } from './procs';
import { acquireLock, journalSpawn, readState, removeState, writeState, type FleetState, type ProcKind, type ProcRecord } from './state';

export { hostAddress } from './layout';
export { setPrivateLink, privateNetNames, type PrivateLink } from './privateNet';
export type { FleetHost } from './host';
export type { ProcKind } from './state';
export { PASSWORD_USER, type PasswordMethod } from './passwordUser';

export interface FleetOptions {
  hosts: number;
  dir: string;
  /** Start prometheus-node-exporter on every host (default true). */
  nodeExporter?: boolean;
  /**
   * Host i gets hostAddress(firstIndex + i) (default 0, i.e. 127.0.10.1 upward). Two fleets that
   * run at once (a dev fleet and a test's) need ranges that do not overlap.
   */
  firstIndex?: number;
  /** Hosts started at once (default scales with CPUs, 8..32). */
  concurrency?: number;
  /** Monit cycle in seconds. Default 5 up to 50 hosts, longer beyond (see defaultMonitInterval):
   *  each Monit scans every process on the machine per cycle. */
  monitInterval?: number;
  /** How long one daemon may take to become ready (default 30 s). */
  readyTimeoutMs?: number;
  /** Poll interval written into the fleet file's defaults (e.g. "2s" for tests); default none. */
  interval?: string;
  /** The sample app (e2e/fleet/sampleApp.ts) as app "shop" of the app role, from a git
   * repository the fleet creates in <dir>/sample-app. */
  sampleApp?: boolean;
  /** The sample app's stages, e.g. ['staging', 'production'] (the demo's). */
  appStages?: string[];
  /** HAProxy on the production lb host in front of the production app hosts (default true;
   *  fleets of 3 hosts or more have an lb). */
  haproxy?: boolean;
  /**
   * Password logins (opt-in, root only): host name → the methods that host's sshd offers the local
   * account `fleetdeck-pw`, e.g. { 'host-1': ['password', 'keyboard-interactive'] }. The account is
   * created if missing and given the fleet's password (see passwordUser.ts); those hosts run sshd
   * with PAM. The fleet user still logs in by key everywhere.
   */
  passwordUser?: Record<string, PasswordMethod[]>;
  /** Hosts whose sshd takes only a client key of their own (hostPaths().ownKey, which the fleet
   *  file gives them as `identity`), not the fleet's: a bastion that refuses the others' key. */
  ownKey?: string[];
  /** Hosts behind a bastion (root only; privateNet.ts): priv-1 … on a network the console has no
   * route to, reached through bastion-1, which the fleet file gives them as `jump`. */
  privateHosts?: number;
  onProgress?: (event: FleetProgress) => void;
}

export type FleetProgress =
  | { type: 'info' | 'warn'; message: string }
  | { type: 'host'; host: FleetHost; started: ProcKind[]; reused: ProcKind[]; restarted: ProcKind[]; done: number; total: number };

export interface RunningFleet {
  dir: string;
  hosts: FleetHost[];
  fleetFile: string;
  identity: string;
  knownHosts: string;
  user: string;
  monitUser: string;
  monitPassword: string;
  /** The load balancer, if the fleet has one: its host and stats URL. */
  lb: { host: FleetHost; statsUrl: string; backends: string[] } | null;
  /** With the passwordUser option: the account, its password and the hosts that let it in. */
  passwordUser: { user: string; password: string; hosts: string[] } | null;
  /** With the privateHosts option: the bastion and the hosts behind it. */
  private: { bastion: FleetHost; hosts: FleetHost[] } | null;
}

const MONIT_USER = 'admin';

/**
 * Starts (or completes) a fleet of opts.hosts hosts in opts.dir. Idempotent: daemons that are
 * already running with the same config are kept; missing ones are started; hosts beyond
 * opts.hosts, or node_exporters when nodeExporter is false, are stopped, so the running fleet
 * matches the fleet file. Dead pids from an earlier run are dropped from the state.
 */
export async function fleetUp(opts: FleetOptions): Promise<RunningFleet> {
  const count = opts.hosts;
  const firstIndex = opts.firstIndex ?? 0;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`hosts must be a positive integer, got ${count}`);
  if (!Number.isInteger(firstIndex) || firstIndex < 0 || firstIndex + count - 1 > MAX_HOST_INDEX) {
    throw new RangeError(`hosts ${firstIndex}..${firstIndex + count - 1} do not fit in the loopback range (max index ${MAX_HOST_INDEX})`);
  }
  const privateCount = opts.privateHosts ?? 0;
  if (!Number.isInteger(privateCount) || privateCount < 0 || privateCount > MAX_PRIVATE_HOSTS) throw new RangeError(`privateHosts must be an integer in 0..${MAX_PRIVATE_HOSTS}, got ${privateCount}`);
  if (privateCount > 0) assertCanMakePrivateNet();
  const nodeExporter = opts.nodeExporter ?? true;
  const emit = opts.onProgress ?? (() => undefined);
  const dir = resolve(opts.dir);
  assertConfigSafePath(dir);

  const bins = ensurePackages(nodeExporter, (message) => emit({ type: 'info', message }));
  const paths = fleetPaths(dir);
  mkdirSync(paths.hostsDir, { recursive: true });
  ensurePrivsepDir(emit);

  const release = acquireLock(dir);
  try {
    const user = userInfo().username;
    const wanted = Array.from({ length: count }, (_, i) => describeHost(dir, firstIndex, i, nodeExporter));
    const priv = privateCount > 0 ? describePrivateHosts(dir, privateCount, nodeExporter) : null;
    const extra = priv ? [priv.bastion, ...priv.hosts] : [];
    const wantedAddress = new Map([...wanted, ...extra].map((h) => [h.name, h.address]));
    // Before the live processes are listed: a crashed run's namespaces go, with what ran in them.
    if (priv) await ensurePrivateNet(dir, privateCount);
    else if (await removePrivateNet(dir)) emit({ type: 'info', message: 'removed the private network of an earlier run' });
    const haproxy = opts.haproxy === false ? null : haproxyPlan(wanted, nodeExporter);
    const lbHost = haproxy ? wanted[haproxy.lbPosition] : undefined;
    const passwordHosts = new Map(Object.entries(opts.passwordUser ?? {}).filter(([, methods]) => methods.length > 0));
    const unknown = [...passwordHosts.keys(), ...(opts.ownKey ?? [])].filter((name) => !wantedAddress.has(name));
    if (unknown.length > 0) throw new Error(`passwordUser or ownKey names ${unknown.join(', ')}, which this fleet does not have`);

    // What is still running from before, and what of it no longer belongs to this fleet.
    const previous = readState(dir);
    const live = (previous?.procs ?? []).filter(isRunning);
    const dead = (previous?.procs.length ?? 0) - live.length;
    if (dead > 0) emit({ type: 'info', message: `dropped ${dead} stale record(s) of processes that are no longer running` });
    const previousAddress = new Map((previous?.hosts ?? []).map((h) => [h.name, h.address]));
    const belongs = (rec: ProcRecord) =>
      wantedAddress.has(rec.host) &&
      previousAddress.get(rec.host) === wantedAddress.get(rec.host) &&
      (nodeExporter || rec.kind !== 'node_exporter') &&
      (rec.kind !== 'haproxy' || rec.host === lbHost?.name);
    const surplus = live.filter((rec) => !belongs(rec));
    if (surplus.length > 0) {
      emit({ type: 'info', message: `stopping ${surplus.length} process(es) of hosts or daemons this fleet no longer has` });
      const left = await stopProcesses(surplus);
      if (left.length > 0) throw new Error(`could not stop pids ${left.map((p) => p.pid).join(', ')}`);
    }

    const state: FleetState = {
      version: 1,
      dir,
      user,
      monitUser: MONIT_USER,
      nodeExporter,
      hosts: [...wanted, ...extra].map((h) => ({ name: h.name, address: h.address, dir: h.dir })),
      procs: live.filter(belongs),
    };
    writeState(dir, state); // folds in the journal and forgets the dead

    await ensureKey(bins.sshKeygen, paths.identity, `fleetdeck test fleet client (${dir})`);
    writeFileSync(paths.authorizedKeys, `${publicKey(`${paths.identity}.pub`)} fleetdeck-test-fleet\n`, { mode: 0o600 });
    const monitPassword = readOrCreatePassword(paths.monitPassword);
    let passwordUser: RunningFleet['passwordUser'] = null;
    if (passwordHosts.size > 0) {
      const password = readOrCreatePassword(paths.passwordUser);
      const { created } = ensurePasswordUser(password);
      if (created) emit({ type: 'info', message: `created the local account ${PASSWORD_USER} for password logins (userdel -r ${PASSWORD_USER} removes it)` });
      passwordUser = { user: PASSWORD_USER, password, hosts: [...passwordHosts.keys()] };
    }
    warnIfAccountLocked(user, emit);
    const [major, minor] = opensshVersion(bins.sshd);
    const monitInterval = opts.monitInterval ?? defaultMonitInterval(count);
    if (monitInterval > 5) emit({ type: 'info', message: `Monit cycle ${monitInterval} s (each Monit scans all processes; see defaultMonitInterval)` });

    const ctx: HostContext = {
      dir,
      firstIndex,
      bins,
      user,
      authorizedKeys: paths.authorizedKeys,
      monitUser: MONIT_USER,
      monitPassword,
      monitInterval,
      mountPoint: mountPointOf(dir),
      perSourcePenalties: major > 9 || (major === 9 && minor >= 8),
      passwordUser: passwordUser ? { user: passwordUser.user, hosts: passwordHosts } : null,
      ownKey: new Set(opts.ownKey ?? []),
      nodeExporter,
      haproxy,
      readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
      journal: paths.journal,
      live: (host, kind) => state.procs.filter((r) => r.host === host && r.kind === kind),
      record: (rec) => {
        // Synchronous append right after spawn(): the pid is on disk before anything can fail.
        journalSpawn(dir, rec);
        state.procs.push(rec);
      },
      forget: (recs) => {
        state.procs = state.procs.filter((r) => !recs.includes(r));
      },
    };

    const concurrency = opts.concurrency ?? Math.min(32, Math.max(8, cpus().length * 4));
    let done = 0;
    try {
      const all = [...wanted, ...extra];
      await forEachLimit(all, concurrency, async (host, position) => {
        const result = await startHost(ctx, host, position < count ? position : -1);
        done++;
        emit({ type: 'host', ...result, done, total: all.length });
      });
    } catch (error) {
      // Keep every pid we started on disk (the journal has them too) so `down` can clean up.
      state.procs = state.procs.filter(isRunning);
      writeState(dir, state);
      throw error;
    }

    const knownHosts = [...wanted, ...extra].map((h) => knownHostsLine(h.address, SSH_PORT, hostPaths(dir, h.name).hostKeyPub));
    writeAtomic(paths.knownHosts, knownHosts.join('\n') + '\n', 0o644);
    const fleetYaml = renderFleetYaml({
      user,
      monitUser: MONIT_USER,
      monitPassword,
      nodeExporter,
      hosts: wanted,
      lb: lbHost?.name ?? null,
      interval: opts.interval ?? null,
      appRepo: opts.sampleApp ? sampleAppRepoDir(dir) : null,
      appStages: opts.appStages ?? null,
      ownKey: opts.ownKey ?? [],
      private: priv,
    });
    writeAtomic(paths.fleetFile, fleetYaml, 0o600);
    recordOptions(dir, opts);
    state.procs = state.procs.filter(isRunning);
    writeState(dir, state);

    return {
      dir,
      hosts: wanted,
      fleetFile: paths.fleetFile,
      identity: paths.identity,
      knownHosts: paths.knownHosts,
      user,
      monitUser: MONIT_USER,
      monitPassword,
      lb: lbHost && haproxy ? { host: lbHost, statsUrl: `http://${lbHost.address}:${HAPROXY_STATS_PORT}/stats;csv`, backends: haproxy.backends.map((b) => b.name) } : null,
      passwordUser,
      private: priv,
    };
  } finally {
    release();
  }
}

/**
 * Stops exactly what `up` recorded in dir (and the children those processes forked, such as
 * sshd's per-connection processes): TERM, then KILL after a grace period, then checks that every
 * pid is gone. Throws, keeping the state, if any survives.
 */
export async function fleetDown(dir: string): Promise<{ stopped: number; children: number }> {
  const abs = resolve(dir);
  if (!existsSync(abs)) return { stopped: 0, children: 0 };
  const release = acquireLock(abs);
  try {
    const state = readState(abs);
    if (!state) {
      await removePrivateNet(abs); // a crashed run's, whose state never got written
      return { stopped: 0, children: 0 };
    }
    await stopSampleApps(state.hosts.map((h) => h.dir));
    const live = state.procs.filter(isRunning);
    const children = descendantsOf(live);
    const left = await stopProcesses([...live, ...children]);
    if (left.length > 0) {
      writeState(abs, { ...state, procs: state.procs.filter(isRunning) });
      throw new Error(`could not stop pids ${left.map((p) => p.pid).join(', ')}`);
    }
    await removePrivateNet(abs);
    removeState(abs);
    return { stopped: live.length, children: children.length };
  } finally {
    release();
  }
}

export interface FleetStatus {
  dir: string;
  fleetFile: string | null;
  hosts: Array<{ name: string; address: string; procs: Array<{ kind: ProcKind; pid: number; alive: boolean }> }>;
  alive: number;
  dead: number;
}

/** What the state says was started, and which of it is still running. Read-only. */
export function fleetStatus(dir: string): FleetStatus {
  const abs = resolve(dir);
  const paths = fleetPaths(abs);
  const state = existsSync(abs) ? readState(abs) : null;
  const status: FleetStatus = { dir: abs, fleetFile: existsSync(paths.fleetFile) ? paths.fleetFile : null, hosts: [], alive: 0, dead: 0 };
  if (!state) return status;
  const names = [...new Set([...state.hosts.map((h) => h.name), ...state.procs.map((p) => p.host)])];
  for (const name of names) {
    const procs = state.procs
      .filter((p) => p.host === name)
      .map((p) => ({ kind: p.kind, pid: p.pid, alive: isRunning(p) }));
    for (const p of procs) p.alive ? status.alive++ : status.dead++;
    status.hosts.push({ name, address: state.hosts.find((h) => h.name === name)?.address ?? '?', procs });
  }
  return status;
}

/**
 * Stops one daemon of one host (a host whose Monit or sshd died, for fault tests); `fleetUp`
 * with the same options starts it again. Returns the pid that was stopped.
 */
export async function stopDaemon(dir: string, host: string, kind: ProcKind): Promise<number> {
  const rec = runningDaemon(dir, host, kind);
  const left = await stopProcesses([rec, ...descendantsOf([rec])]);
  if (left.length > 0) throw new Error(`could not stop ${kind} of ${host} (pid ${rec.pid})`);
  return rec.pid;
}

/**
 * Freezes one daemon of one host and its children (SIGSTOP), or thaws them (SIGCONT): the host
 * stops answering while the kernel still holds its connections open, which is how a link that
 * drops every packet looks to the console (it has no firewall to ask here).
 */
export function freezeDaemon(dir: string, host: string, kind: ProcKind, frozen: boolean): void {
  const rec = runningDaemon(dir, host, kind);
  for (const proc of [rec, ...descendantsOf([rec])]) process.kill(proc.pid, frozen ? 'SIGSTOP' : 'SIGCONT');
}

/** Tells a host's Monit to re-read its control file (and monit.d/*), via SIGHUP to the recorded pid. */
export function reloadMonit(dir: string, host: string): void {
  process.kill(runningDaemon(dir, host, 'monit').pid, 'SIGHUP');
}

/** The state's record of a host's running daemon of that kind; throws if there is none. */
function runningDaemon(dir: string, host: string, kind: ProcKind): ProcRecord {
  const rec = readState(resolve(dir))?.procs.find((p) => p.host === host && p.kind === kind && isRunning(p));
  if (!rec) throw new Error(`no running ${kind} recorded for ${host} in ${dir}`);
  return rec;
}

/**
 * The place for later work to add a host's app to its Monit: writes D/hosts/<host>/monit.d/<file>
 * with the given stanza (e.g. `check process shop with pidfile …`), reloads that Monit and waits
 * until its status lists every service the stanza names.
 */
export async function addMonitCheck(fleet: RunningFleet, host: string, file: string, stanza: string, timeoutMs = 15_000): Promise<void> {
  const target = fleet.hosts.find((h) => h.name === host);
  if (!target) throw new Error(`no host ${host} in this fleet`);
  if (!/^[A-Za-z0-9._-]+$/.test(file)) throw new Error(`monit.d file name must be a plain name, got ${file}`);
  const monitDir = hostPaths(fleet.dir, host).monitDir;
  // Written beside, then renamed in: a reload never sees half a stanza.
  const tmp = join(hostPaths(fleet.dir, host).dir, `.${file}.tmp`);
  writeFileSync(tmp, stanza.endsWith('\n') ? stanza : `${stanza}\n`, { mode: 0o600 });
  renameSync(tmp, join(monitDir, file));
  reloadMonit(fleet.dir, host);
  const services = [...stanza.matchAll(/^\s*check\s+\w+\s+(\S+)/gm)].map((m) => m[1] as string);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const xml = await monitStatusXml(fleet, target).catch(() => '');
    if (services.every((s) => xml.includes(`<name>${s}</name>`))) return;
    if (Date.now() > deadline) throw new Error(`${host}: Monit did not list ${services.join(', ')} after reload; see ${hostPaths(fleet.dir, host).monitLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET http://ADDRESS:2812/_status?format=xml with the fleet's Monit credentials. */
export async function monitStatusXml(fleet: RunningFleet, host: FleetHost): Promise<string> {
  const auth = Buffer.from(`${fleet.monitUser}:${fleet.monitPassword}`).toString('base64');
  const res = await fetch(`http://${host.address}:${host.monitPort}/_status?format=xml`, {
    headers: { authorization: `Basic ${auth}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`${host.name} Monit answered HTTP ${res.status}`);
  return res.text();
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  }
  // Hex: nothing Monit's control file parser or a URL could trip over.
  const password = randomBytes(16).toString('hex');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

/**
 * Paths go unquoted into sshd_config and monitrc, and sshd expands %-tokens in
 * AuthorizedKeysFile; refuse the few characters that would change their meaning.
 */
function assertConfigSafePath(dir: string): void {
  if (/[\s"'%#\\$]/.test(dir)) {
    throw new Error(`fleet dir ${JSON.stringify(dir)} contains whitespace or one of " ' % # \\ $, which sshd_config/monitrc cannot take; choose another dir`);
  }
}

/** sshd (as root) insists on its privilege separation dir, which a container may not have. */
function ensurePrivsepDir(emit: (e: FleetProgress) => void): void {
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch (err) {
    if (!existsSync('/run/sshd')) emit({ type: 'warn', message: `could not create /run/sshd (${(err as Error).message}); sshd may refuse to start as root` });
  }
}

/**
 * With UsePAM no, sshd refuses accounts whose shadow password starts with '!' (locked), even for
 * key logins. Warn rather than fail: /etc/shadow is unreadable for non-root users anyway.
 */
function warnIfAccountLocked(user: string, emit: (e: FleetProgress) => void): void {
  let shadow: string;
  try {
    shadow = readFileSync('/etc/shadow', 'utf8');
  } catch {
    return;
  }
  const entry = shadow.split('\n').find((l) => l.startsWith(`${user}:`));
  if (entry?.split(':')[1]?.startsWith('!')) {
    emit({ type: 'warn', message: `account ${user} is locked in /etc/shadow; sshd (UsePAM no) will refuse it. Unlock for key logins with: usermod -p '*' ${user}` });
  }
}

/** The production lb in front of the production app hosts; their node_exporter stands in for an
 * app until one is deployed (without it, sshd's port with a TCP-only check would be all there is). */
function haproxyPlan(hosts: FleetHost[], nodeExporter: boolean): HaproxyPlan | null {
  const groups = roleGroups(hosts.length);
  const lb = groups.find((g) => g.environment === 'production' && g.role === 'lb')?.positions[0];
  const apps = groups.find((g) => g.environment === 'production' && g.role === 'app')?.positions ?? [];
  if (lb === undefined || apps.length === 0 || !nodeExporter) return null;
  const backends = apps.map((p) => hosts[p]!).map((h) => ({ name: h.name, address: h.address }));
  return { lbPosition: lb, backends, backendPort: NODE_EXPORTER_PORT, checkPath: '/metrics' };
}

/** Creates the sample app's repository in the fleet's folder (once); returns its path. */
function sampleAppRepoDir(dir: string): string {
  const repo = join(dir, 'sample-app');
  mkdirSync(repo, { recursive: true });
  sampleAppRepo(repo);
  return repo;
}
