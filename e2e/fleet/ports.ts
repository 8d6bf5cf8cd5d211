// Port checks: refuse clearly when something else holds a fleet port, and wait for a daemon to
// listen. Probing by binding (not by connecting) also catches a wildcard listener on 0.0.0.0.
import { execFile } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class PortTakenError extends Error {
  override name = 'PortTakenError';
}

/** Resolves if address:port can be bound right now; rejects with a message naming the holder. */
export async function assertPortFree(address: string, port: number): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
  if (!error) return;
  if (error.code === 'EADDRINUSE') {
    const holder = await describeListener(address, port);
    throw new PortTakenError(
      `${address}:${port} is already in use by a process this fleet did not start${holder ? ` (${holder})` : ''}. ` +
        `Stop it, or start the fleet at other addresses (firstIndex / --first-index).`,
    );
  }
  if (error.code === 'EADDRNOTAVAIL') {
    throw new PortTakenError(`${address} is not a usable local address here (Linux routes all of 127.0.0.0/8 to lo; other systems need an alias).`);
  }
  throw error;
}

/** Best effort: what `ss` says listens on address:port (or on a wildcard). Empty if ss is missing. */
function describeListener(address: string, port: number): Promise<string> {
  const locals = new Set([`${address}:${port}`, `0.0.0.0:${port}`, `*:${port}`, `[::]:${port}`]);
  return new Promise((resolve) => {
    execFile('ss', ['-Hltnp', `sport = :${port}`], { timeout: 2000 }, (err, stdout) => {
      if (err) return resolve('');
      const lines = stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[3] && locals.has(f[3]));
      resolve(lines.map((f) => `${f[3]} ${f.slice(5).join(' ')}`.trim()).join('; '));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port });
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

export interface WaitTarget {
  what: string;
  child: ChildProcess;
  logFile: string;
}

/**
 * Polls `ready` until it is true; fails early with the tail of the daemon's log if the daemon
 * exits, and fails after timeoutMs otherwise.
 */
export async function waitUntil(target: WaitTarget, ready: () => Promise<boolean> | boolean, timeoutMs = 15000): Promise<void> {
  // An object, not a let: the exit callback mutates it behind the type checker's back.
  const seen = { exit: '' };
  const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
    seen.exit = sig ? `signal ${sig}` : `code ${code}`;
  };
  target.child.once('exit', onExit);
  try {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 25)) {
      if (seen.exit) throw new Error(`${target.what} exited (${seen.exit}) before it was ready.${logTail(target.logFile)}`);
      if (await ready()) return;
      if (Date.now() > deadline) throw new Error(`${target.what} was not ready after ${timeoutMs} ms.${logTail(target.logFile)}`);
      await sleep(delay);
    }
  } finally {
    target.child.off('exit', onExit);
  }
}

export function waitForListen(target: WaitTarget, address: string, port: number, timeoutMs?: number): Promise<void> {
  return waitUntil(target, () => canConnect(address, port), timeoutMs);
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5);
    return lines.length && lines[0] ? `\n  ${file}:\n    ${lines.join('\n    ')}` : '';
  } catch {
    return '';
  }
}
