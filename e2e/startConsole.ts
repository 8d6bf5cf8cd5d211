import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// The built console in browser mode (dist/electron/serve.cjs) on a fleet file, for the Playwright
// specs and the benchmarks: started on a free port with a token, its URL read from what it prints.

export interface RunningConsole {
  url: string;
  process: ChildProcess;
  stop(): void;
}

export async function startConsole(o: {
  repoRoot: string;
  fleetFile: string;
  dataDir: string;
  token: string;
  env?: NodeJS.ProcessEnv;
}): Promise<RunningConsole> {
  // The token goes through the environment: an argument would show in `ps`.
  const child = spawn(process.execPath, [join(o.repoRoot, 'dist/electron/serve.cjs'), '--fleet', o.fleetFile, '--data-dir', o.dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...(o.env ?? process.env), FLEETDECK_TOKEN: o.token },
  });
  try {
    const url = await firstUrl(child);
    return { url, process: child, stop: () => void child.kill('SIGTERM') };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/** The console prints `Fleetdeck: http://…/?token=…` once it listens. */
function firstUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Fleetdeck: (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code} (is dist/ built? npm run build):\n${out}`)));
  });
}
