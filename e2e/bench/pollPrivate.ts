// `bench poll --private`: the same fleet polled through a bastion, beside the direct one, in the
// same run. The test fleet's private network (e2e/fleet/privateNet.ts) gives the bastion (its sshd
// in a namespace of its own, at 198.18.255.2) and the private namespace behind it; a second nginx
// runs in the private namespace and answers as the hosts' Monit and node_exporter at 198.18.1.1 …
// (250 per /24). A second Fleetdeck child polls those through its one SSH connection to the bastion
// (`via: auto`, which is `jump` for a host with a jump host), while the first polls the loopback
// nginx directly; both are measured from /proc over the same window, and the bastion's sshd too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetDown, fleetStatus, fleetUp } from '../fleet/fleet';
import { addPrivateAddresses, assertCanMakePrivateNet, privateNetNames } from '../fleet/privateNet';
import { startNginx, type NginxSetup } from './nginx';
import { renderBenchFleet, type BenchSources } from './pollFleetFile';
import { processTree, type Usage } from './procStats';
import type { ChildCounters } from './pollProtocol';

/** The private side's test fleet: host-1 at 127.0.187.1 (this bench's loopback block), bastion-1, priv-1. */
const FLEET_FIRST_INDEX = (187 - 10) * 254;
const PER_SUBNET = 250;

/** 0 → 198.18.1.1 … 249 → 198.18.1.250, 250 → 198.18.2.1 …: clear of the fleet's 198.18.0.x. */
export function benchPrivateAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 250 * PER_SUBNET) throw new RangeError(`private host index ${index} is outside 0…${250 * PER_SUBNET - 1}`);
  return `198.18.${1 + Math.floor(index / PER_SUBNET)}.${1 + (index % PER_SUBNET)}`;
}

export interface PrivateSide {
  /** The fleet file of the child that polls through the bastion. */
  fleetFile: string;
  nginx: NginxSetup;
  /** The bastion's sshd: its listener and the per-connection processes under it. */
  sshdTree(): number[];
  stop(): Promise<void>;
}

export async function startPrivateSide(o: {
  dir: string;
  hosts: number;
  intervalS: number;
  sources: BenchSources;
  bins: { nginx: string; timeout: string };
  limitS: number;
  log: (message: string) => void;
}): Promise<PrivateSide> {
  assertCanMakePrivateNet();
  const fleetDir = join(o.dir, 'fleet');
  const stop = async () => void (await fleetDown(fleetDir));
  let nginx: NginxSetup | null = null;
  try {
    const fleet = await fleetUp({ hosts: 1, dir: fleetDir, privateHosts: 1, nodeExporter: false, haproxy: false, firstIndex: FLEET_FIRST_INDEX });
    const bastion = fleet.private?.bastion;
    if (!bastion) throw new Error('the test fleet started no bastion');
    const addresses = Array.from({ length: o.hosts }, (_, i) => benchPrivateAddress(i));
    addPrivateAddresses(fleetDir, addresses);
    nginx = await startNginx({ nginx: o.bins.nginx, timeoutBin: o.bins.timeout, dir: o.dir, addresses, limitS: o.limitS, namespace: privateNetNames(fleetDir).privateNs, name: 'nginx-private' });
    const fleetFile = join(o.dir, 'fleet-private.yaml');
    const login = { name: bastion.name, address: bastion.address, user: fleet.user, port: bastion.sshPort };
    const keys = { identity: fleet.identity, knownHosts: fleet.knownHosts };
    writeFileSync(fleetFile, renderBenchFleet(o.hosts, o.intervalS, o.sources, benchPrivateAddress, { ...login, ...keys }));
    const sshdPid = fleetStatus(fleetDir).hosts.find((h) => h.name === bastion.name)?.procs.find((p) => p.kind === 'sshd' && p.alive)?.pid;
    if (!sshdPid) throw new Error(`${bastion.name}'s sshd is not running`);
    o.log(`private side: ${bastion.name} at ${bastion.address}, nginx in the private namespace at ${addresses[0]} … ${addresses[addresses.length - 1]}`);
    const started = nginx;
    return {
      fleetFile,
      nginx: started,
      sshdTree: () => processTree(sshdPid),
      stop: async () => {
        await started.daemon.stop();
        await stop();
      },
    };
  } catch (error) {
    await nginx?.daemon.stop().catch(() => undefined);
    await stop();
    throw error;
  }
}

/** What the bench samples of the private side, alongside the direct side's Sample. */
export interface JumpSample {
  child: ChildCounters;
  fleetdeck: Usage;
  nginx: Usage;
  sshd: Usage;
}

const pct = (cpuS: number, ms: number) => (ms > 0 ? (100 * cpuS * 1000) / ms : NaN);
const r2 = (n: number) => Math.round(n * 100) / 100;
const r4 = (n: number) => Math.round(n * 10000) / 10000;

function polls(start: JumpSample, end: JumpSample) {
  const d = (k: 'monit' | 'node_exporter', f: 'ok' | 'errors') => end.child.polls[k][f] - start.child.polls[k][f];
  return { monit: d('monit', 'ok'), node_exporter: d('node_exporter', 'ok'), monitErrors: d('monit', 'errors'), neErrors: d('node_exporter', 'errors') };
}

export function jumpProgress(start: JumpSample, end: JumpSample, ms: number): string {
  const p = polls(start, end);
  const cpu = end.fleetdeck.cpuS - start.fleetdeck.cpuS;
  return (
    `via jump polls monit ${p.monit}${p.monitErrors ? ` (+${p.monitErrors} err)` : ''}, node_exporter ${p.node_exporter}${p.neErrors ? ` (+${p.neErrors} err)` : ''}` +
    `; cpu ${pct(cpu, ms).toFixed(2)} % core; bastion sshd ${pct(end.sshd.cpuS - start.sshd.cpuS, ms).toFixed(2)} %`
  );
}

/** The private side's figures, next to the direct side's cpu_core_pct (same window). */
export function jumpFigures(
  start: JumpSample,
  end: JumpSample,
  ms: number,
  directCpuPct: number,
  direct: { monit: number; node_exporter: number },
): Record<string, unknown> {
  const p = polls(start, end);
  const cpu = end.fleetdeck.cpuS - start.fleetdeck.cpuS;
  const jumpPct = pct(cpu, ms);
  // Per answered poll, so a side that answered fewer polls is not flattered.
  const directPolls = direct.monit + direct.node_exporter;
  const perPollRatio = directPolls && p.monit + p.node_exporter ? jumpPct / (p.monit + p.node_exporter) / (directCpuPct / directPolls) : null;
  return {
    via_jump_cpu_core_pct: r2(jumpPct),
    via_jump_cpu_ratio: r2(jumpPct / directCpuPct),
    via_jump_cpu_ratio_per_poll: perPollRatio === null ? null : r2(perPollRatio),
    bastion_sshd_cpu_core_pct: r2(pct(end.sshd.cpuS - start.sshd.cpuS, ms)),
    via_jump_cpu_kernel_s: r2(end.fleetdeck.sysS - start.fleetdeck.sysS),
    via_jump_rss_mb: Math.round(end.fleetdeck.rssMb),
    via_jump_polls: { monit: p.monit, node_exporter: p.node_exporter },
    via_jump_errors: { monit: p.monitErrors, node_exporter: p.neErrors },
    via_jump_error_samples: end.child.errorSamples,
    via_jump_fleetdeck_cpu_ms_per_poll: p.monit + p.node_exporter ? r4((1000 * cpu) / (p.monit + p.node_exporter)) : null,
    private_nginx_cpu_core_pct: r2(pct(end.nginx.cpuS - start.nginx.cpuS, ms)),
  };
}
