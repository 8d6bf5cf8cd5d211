import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import type { AppInfo } from '../shared/api';
import { DisposableStore } from '../shared/disposable';
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
import { secretsApi } from './ssh/secretsApi';
import { statusApi } from './status/statusApi';
import type { SshExec } from './status/probes';
import { deployApi } from './deploy/deployApi';
import { DeployRecords } from './deploy/deployRecords';
import { DeployService } from './deploy/deployService';
import { runApi } from './run/runApi';
import { terminalApi } from './terminal/terminalApi';
import { TerminalService } from './terminal/terminalService';
import { StatusService } from './status/statusService';
import type { CoreApi } from './transport/coreApi';
import { withoutSecrets } from './inventory/pageSnapshot';

// The core: composes the services and implements the contract. The only place that knows them
// all; each service owns one resource and is built here by plain constructor injection. Each
// feature's handlers come from one function (`fooApi(services)`), joined below.

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
  const inventory = inventoryApi({ fleet, home, configDir: options.configDir ?? userConfigDir() });
  const { history, whyMissing } = await openHistory(options.dataDir);
  if (history) services.add(history);
  const questions = services.add(new QuestionBroker());
  const hostKeys = new HostKeyStore({ storeFile: join(options.dataDir, 'known_hosts') });
  const secrets = options.secrets !== undefined ? options.secrets : options.mode === 'browser' ? new MemorySecretStore() : null;
  const pool = services.add(new SshPool({ lookup: (name) => fleet.current.hosts.find((h) => h.name === name), hostKeys, ask: questions.ask, secrets }));
  const recordingsDir = join(options.dataDir, 'recordings');
  const terminals = services.add(new TerminalService(pool, recordingsDir));
  const status = services.add(new StatusService({ fleet, history, sshExec: sshExecVia(pool) }));
  const terminalPart = terminalApi(terminals, pool, questions, recordingsDir);
  const secretsPart = secretsApi(secrets);
  const runPart = runApi(pool);
  const records = history ? new DeployRecords(history.db) : null;
  records?.markInterrupted();
  const deploys = services.add(new DeployService({ pool, fleet, records, status }));
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

  const api: CoreApi = {
    requests: {
      'app.info': async () => info,
      'fleet.snapshot': async () => withoutSecrets(fleet.current),
      'fleet.reload': async () => withoutSecrets(fleet.reload()),
      ...statusPart.requests,
      ...historyPart.requests,
      ...inventory.requests,
      ...terminalPart.requests,
      ...secretsPart.requests,
      ...deployPart.requests,
    },
    streams: {
      'fleet.updates': (_params, sink) => {
        sink.send(withoutSecrets(fleet.current));
        return fleet.onChange((snapshot) => sink.send(withoutSecrets(snapshot)));
      },
      ...statusPart.streams,
      ...inventory.streams,
      ...terminalPart.streams,
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
