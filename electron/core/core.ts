import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import type { AppInfo } from '../../shared/api';
import type { Host } from '../../shared/fleet/model';
import { DisposableStore } from '../../shared/disposable';
import { fleetApi } from './inventory/fleetApi';
import { FleetService } from './inventory/fleetService';
import { inventoryApi } from './inventory/inventoryApi';
import { userConfigDir } from './paths';
import { historyApi } from './history/historyApi';
import { HistoryStore } from './history/historyStore';
import { HostHistory } from './history/hostHistory';
import { HostKeyStore } from './ssh/hostKeys';
import { SshPool } from './ssh/pool';
import { QuestionBroker } from './ssh/questions';
import { MemorySecretStore, type SecretStore } from './ssh/secrets';
import { sshApi } from './ssh/sshApi';
import { statusApi } from './status/statusApi';
import type { SshExec } from './status/probes';
import { deployApi } from './deploy/deployApi';
import { DeployRecords } from './deploy/deployRecords';
import { DeployService } from './deploy/deployService';
import { runApi } from './run/runApi';
import { terminalApi } from './terminal/terminalApi';
import { TerminalService } from './terminal/terminalService';
import { StatusService } from './status/statusService';
import { tunnelsThrough } from './status/via';
import type { CoreApi } from './transport/coreApi';

// The core: composes the services and implements the contract. The only place that knows them
// all; each service owns one resource and is built here by plain constructor injection (one
// object naming its dependencies). Each feature's handlers come from one function
// (`fooApi(deps)`, one per shared/contract/<feature>.ts), joined below.

export interface CoreOptions {
  mode: AppInfo['mode'];
  fleetPath: string | null;
  /** Where the console keeps its own files: history database, accepted host keys. */
  dataDir: string;
  /** The user's home (~/.ssh/config, `~` in the fleet file); default os.homedir(). Tests set it. */
  home?: string | undefined;
  /** The user's Fleetdeck folder, where a written fleet file goes; default userConfigDir(). */
  configDir?: string | undefined;
  /**
   * Where secrets the user asks to remember are kept. Default: in memory in browser mode, nowhere
   * on the desktop (main.ts passes its safeStorage store, or null when there is no keychain).
   */
  secrets?: SecretStore | null | undefined;
}

export interface Core {
  readonly api: CoreApi;
  dispose(): Promise<void>;
}

/** A history that cannot be opened (a newer Fleetdeck wrote it, the disk is full) must not stop the console. */
async function openHistory(dataDir: string): Promise<{ history: HistoryStore | null; whyMissing: string | null }> {
  try {
    return { history: await HistoryStore.open(dataDir), whyMissing: null };
  } catch (error) {
    const why = (error as Error).message;
    console.error(`Fleetdeck: running without history: ${why}`);
    return { history: null, whyMissing: why };
  }
}

/** The SSH probe's transport: a command over the host's pooled connection, its output collected. */
function sshExecVia(pool: SshPool): SshExec {
  return async (host, command, timeoutMs, signal) => {
    let stdout = '';
    const { code } = await pool.exec(host, command, { timeoutMs, signal, onStdout: (chunk) => (stdout += chunk.toString('utf8')) });
    return { code, stdout };
  };
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const services = new DisposableStore();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const home = options.home ?? os.homedir();
  const fleet = services.add(new FleetService(options.fleetPath, { home }));
  const inventoryPart = inventoryApi({ fleet, home, configDir: options.configDir ?? userConfigDir() });
  const { history, whyMissing } = await openHistory(options.dataDir);
  if (history) services.add(history);
  const questions = services.add(new QuestionBroker());
  // The user's own known_hosts is read from the same home as ~/.ssh/config, not a second lookup.
  const hostKeys = new HostKeyStore({ userKnownHosts: join(home, '.ssh', 'known_hosts'), storeFile: join(options.dataDir, 'known_hosts') });
  const secrets = options.secrets !== undefined ? options.secrets : options.mode === 'browser' ? new MemorySecretStore() : null;
  const lookup = (name: string): Host | undefined => fleet.current.hosts.find((h) => h.name === name);
  const pool = services.add(new SshPool({ lookup, hostKeys, ask: questions.ask, secrets }));
  const recordingsDir = join(options.dataDir, 'recordings');
  const terminals = services.add(new TerminalService({ pool, recordingsDir }));
  const tunnelFor = tunnelsThrough((through, address, port) => pool.forwardOut(through, address, port), lookup);
  const status = services.add(new StatusService({ fleet, history, sshExec: sshExecVia(pool), tunnelFor }));
  const terminalPart = terminalApi({ terminals, recordingsDir });
  const sshPart = sshApi({ pool, questions, secrets });
  const runPart = runApi(pool);
  const records = history ? new DeployRecords(history.db) : null;
  records?.markInterrupted();
  const deploys = services.add(new DeployService({ pool, fleet, records, status, tunnelFor }));
  const deployPart = deployApi(deploys, pool, fleet, records);
  const statusPart = statusApi(status);
  const historyPart = historyApi(new HostHistory({ hosts: () => fleet.current.hosts, store: history, whyMissing }));
  const info: AppInfo = {
    name: 'Fleetdeck',
    version: pkg.version,
    mode: options.mode,
    platform: process.platform,
    startedAt: Date.now(),
  };
  const fleetPart = fleetApi({ fleet, info });

  const api: CoreApi = {
    requests: {
      ...fleetPart.requests,
      ...statusPart.requests,
      ...historyPart.requests,
      ...inventoryPart.requests,
      ...terminalPart.requests,
      ...sshPart.requests,
      ...deployPart.requests,
    },
    streams: {
      ...fleetPart.streams,
      ...statusPart.streams,
      ...inventoryPart.streams,
      ...terminalPart.streams,
      ...sshPart.streams,
      ...runPart.streams,
      ...deployPart.streams,
    },
  };

  return {
    api,
    async dispose() {
      services.dispose();
    },
  };
}
