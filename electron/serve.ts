import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserServer } from './browser/server';
import { isLoopback, newToken } from './browser/auth';
import { startCore } from './core';
import { locateFleetFile } from './inventory/locate';
import { userConfigDir } from './paths';

// Browser mode: the same core as the desktop app, in plain Node, serving the renderer and the
// WebSocket on 127.0.0.1. Run it on a bastion host and open it from a browser, or wherever the
// Electron binary is not installed.

export const SERVE_USAGE = `Usage: fleetdeck-serve [--fleet FILE] [--data-dir DIR] [--port N] [--host ADDRESS] [--token TOKEN]
  --fleet FILE   the fleet file (else FLEETDECK_FLEET, ./fleet.yaml, ${path.join(userConfigDir(), 'fleet.yaml')})
  --data-dir DIR where history and accepted host keys are kept (else FLEETDECK_DATA_DIR, else ${userConfigDir()})
  --port N       the port to listen on (default 7400; 0 picks a free one)
  --host ADDR    the address to bind (default 127.0.0.1; anything else is reachable from the network)
  --token TOKEN  the token the page and WebSocket need (else FLEETDECK_TOKEN, else a random one)`;

export async function serveMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '7400' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'renderer-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SERVE_USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number.`);
  const host = values.host;
  if (!isLoopback(host)) {
    console.warn(`Fleetdeck: WARNING: binding ${host}: anyone who can reach this address and has the token controls your SSH sessions. Prefer an SSH tunnel to 127.0.0.1.`);
  }
  const token = values.token ?? process.env.FLEETDECK_TOKEN ?? newToken();
  const fleetPath = locateFleetFile({ flag: values.fleet, env: process.env, cwd: process.cwd(), configDir: userConfigDir() });

  const dataDir = path.resolve(values['data-dir'] ?? process.env.FLEETDECK_DATA_DIR ?? userConfigDir());
  const core = await startCore({ mode: 'browser', fleetPath, dataDir });
  const server = await startBrowserServer({
    api: core.api,
    host,
    port,
    token,
    rendererDir: values['renderer-dir'] ? path.resolve(values['renderer-dir']) : path.join(__dirname, '..', 'renderer'),
  });
  console.log(`Fleetdeck: ${server.url}`);
  console.log(`Fleetdeck: fleet file ${fleetPath ?? '(none: pass --fleet FILE or create ./fleet.yaml)'}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`Fleetdeck: ${signal}, stopping.`);
    const forced = setTimeout(() => process.exit(1), 5000);
    forced.unref();
    void Promise.all([server.close(), core.dispose()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (typeof require !== 'undefined' && require.main === module) {
  serveMain(process.argv.slice(2)).catch((error: Error) => {
    console.error(`Fleetdeck: ${error.message}`);
    process.exit(1);
  });
}
