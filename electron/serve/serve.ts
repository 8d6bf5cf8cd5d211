import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserServer } from './server';
import fs from 'node:fs';
import { newToken, tokenProblem } from './auth';
import { isLoopback } from './requestTarget';
import { startCore } from '../core/core';
import { locateFleetFile } from '../core/inventory/locate';
import { userConfigDir } from '../core/paths';

// Browser mode: the same core as the desktop app, in plain Node, serving the renderer and the
// WebSocket on 127.0.0.1. Run it on a bastion host and open it from a browser, or wherever the
// Electron binary is not installed.

export const SERVE_USAGE = `Usage: fleetdeck-serve [--fleet FILE] [--data-dir DIR] [--port N] [--host ADDRESS] [--token-file FILE]
  --fleet FILE   the fleet file (else FLEETDECK_FLEET, ./fleet.yaml, ${path.join(userConfigDir(), 'fleet.yaml')})
  --data-dir DIR where history and accepted host keys are kept (else FLEETDECK_DATA_DIR, else ${userConfigDir()})
  --port N       the port to listen on (default 7400; 0 picks a free one)
  --host ADDR    the address to bind (default 127.0.0.1; anything else is reachable from the network)
  --token-file F a file holding the token the page needs (else FLEETDECK_TOKEN, else a random one):
                 at least 128 bits: 22+ characters of A-Z a-z 0-9 - _ (32+ if hex), e.g. \`openssl rand -hex 32\`
  --token TOKEN  the same, but every user of this machine sees it in \`ps\`: prefer the file or FLEETDECK_TOKEN`;

export async function serveMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '7400' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
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
  const token = chooseToken(values.token, values['token-file'], process.env);
  const weak = tokenProblem(token);
  if (weak) throw new Error(weak);
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

/** The token from --token or --token-file, else FLEETDECK_TOKEN, else a new random one. Whether
 * it is strong enough is tokenProblem's to say (electron/serve/auth.ts). */
export function chooseToken(flag: string | undefined, file: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && file !== undefined) throw new Error('give the token by --token or by --token-file, not both.');
  if (flag !== undefined) {
    console.warn('Fleetdeck: WARNING: --token is visible to every user of this machine (ps, /proc). Prefer --token-file FILE or the FLEETDECK_TOKEN environment variable.');
    return flag;
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the token file ${file}: ${(error as Error).message}`);
    }
    // A trailing newline is how editors and `echo` write files; it is not part of the token.
    return text.replace(/\r?\n$/, '');
  }
  return env.FLEETDECK_TOKEN ?? newToken();
}

if (typeof require !== 'undefined' && require.main === module) {
  serveMain(process.argv.slice(2)).catch((error: Error) => {
    console.error(`Fleetdeck: ${error.message}`);
    process.exit(1);
  });
}
