// Building and running the Fleetdeck child: esbuild bundles pollChild.ts like `npm run build`
// bundles the Electron entry points (CommonJS, npm packages left in node_modules), and plain node
// runs it, optionally under --cpu-prof. Questions go over IPC with an id; answers are awaited
// with a timeout so a wedged child cannot hang the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { isRunning, readProcStat, stopProcesses, type ProcId } from '../fleet/procs';
import { journal, logTail } from './daemons';
import type { ChildConfig, ChildCounters, ChildMessage, ChildSummary, ParentMessage, ProfileKind } from './pollProtocol';

/** Bundles the child into dist/bench (inside the repo, so its npm imports resolve). */
export async function buildChild(repoRoot: string): Promise<string> {
  const outfile = join(repoRoot, 'dist', 'bench', 'pollChild.cjs');
  await build({
    entryPoints: [join(repoRoot, 'e2e', 'bench', 'pollChild.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: ['electron'],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}

export class ChildHandle {
  readonly proc: ProcId;
  private nextId = 1;
  private readonly waiting = new Map<number, (message: ChildMessage) => void>();
  private readyWaiter: ((hosts: number) => void) | null = null;
  private failure: string | null = null;
  private exited: string | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly logFile: string,
    match: string,
  ) {
    this.proc = { pid: child.pid as number, startTime: readProcStat(child.pid as number)?.startTime ?? null, match };
    journal(this.proc);
    child.on('message', (message: ChildMessage) => this.onMessage(message));
    child.on('exit', (code, signal) => {
      this.exited = signal ? `signal ${signal}` : `code ${code}`;
      for (const resolve of this.waiting.values()) resolve({ type: 'fatal', message: `child exited (${this.exited})` });
      this.waiting.clear();
    });
  }

  /** `name` tells two children of one run apart (their config and log files). */
  static start(opts: { bundle: string; config: ChildConfig; dir: string; name?: string }): ChildHandle {
    const name = opts.name ?? 'fleetdeck';
    const configFile = join(opts.dir, `${name}-child-config.json`);
    writeFileSync(configFile, JSON.stringify(opts.config));
    const logFile = join(opts.dir, `${name}-child.log`);
    const out = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      // Detached: a Ctrl-C at the terminal reaches the bench only, which then stops the child
      // itself, in order. BENCH_CHILD_FLAGS passes node flags to the measured process, e.g.
      // "--trace-gc-nvp" (its output goes to the child's log; --keep keeps it).
      child = spawn(process.execPath, [...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean), opts.bundle, configFile], {
        stdio: ['ignore', out, out, 'ipc'],
        detached: true,
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    } finally {
      closeSync(out);
    }
    child.on('error', () => undefined);
    if (child.pid === undefined) throw new Error('could not start the Fleetdeck child');
    return new ChildHandle(child, logFile, configFile);
  }

  private onMessage(message: ChildMessage): void {
    if (message.type === 'ready') this.readyWaiter?.(message.hosts);
    else if (message.type === 'fatal') {
      this.failure = message.message;
      for (const resolve of this.waiting.values()) resolve(message);
      this.waiting.clear();
    } else {
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message);
    }
  }

  private problem(): string | null {
    if (this.failure) return `the Fleetdeck child failed: ${this.failure}`;
    if (this.exited) return `the Fleetdeck child exited (${this.exited})${logTail(this.logFile)}`;
    return null;
  }

  ready(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Fleetdeck child was not ready after ${timeoutMs} ms${logTail(this.logFile)}`)), timeoutMs);
      const check = setInterval(() => {
        const problem = this.problem();
        if (problem) {
          clearTimeout(timer);
          clearInterval(check);
          reject(new Error(problem));
        }
      }, 50);
      this.readyWaiter = (hosts) => {
        clearTimeout(timer);
        clearInterval(check);
        resolve(hosts);
      };
    });
  }

  private ask(message: ParentMessage & { id: number }, timeoutMs = 15000): Promise<ChildMessage> {
    const problem = this.problem();
    if (problem) return Promise.reject(new Error(problem));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(message.id);
        reject(new Error(`the Fleetdeck child did not answer "${message.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(message.id, (answer) => {
        clearTimeout(timer);
        if (answer.type === 'fatal') reject(new Error(this.problem() ?? answer.message));
        else resolve(answer);
      });
      this.child.send(message);
    });
  }

  async counters(): Promise<ChildCounters> {
    const answer = await this.ask({ type: 'counters', id: this.nextId++ });
    if (answer.type !== 'counters') throw new Error(`unexpected answer ${answer.type}`);
    return answer.counters;
  }

  async summary(sinceMs: number): Promise<ChildSummary> {
    const answer = await this.ask({ type: 'summary', id: this.nextId++, sinceMs }, 30000);
    if (answer.type !== 'summary') throw new Error(`unexpected answer ${answer.type}`);
    return answer.summary;
  }

  async profileStart(kind: ProfileKind): Promise<void> {
    const answer = await this.ask({ type: 'profile-start', id: this.nextId++, kind });
    if (answer.type !== 'done' || answer.error) throw new Error(`could not start the profiler: ${answer.type === 'done' ? answer.error : answer.type}`);
  }

  async profileStop(file: string): Promise<void> {
    const answer = await this.ask({ type: 'profile-stop', id: this.nextId++, file }, 60000);
    if (answer.type !== 'done' || answer.error) throw new Error(`could not write the profile: ${answer.type === 'done' ? answer.error : answer.type}`);
  }

  /** Asks the child to stop, then TERM, then KILL. */
  async stop(): Promise<void> {
    if (!isRunning(this.proc)) return;
    try {
      if (this.child.connected) this.child.send({ type: 'stop' } satisfies ParentMessage);
    } catch {
      // channel already closed
    }
    const deadline = Date.now() + 10000;
    while (isRunning(this.proc) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isRunning(this.proc)) await stopProcesses([this.proc], 3000, 3000);
    if (this.child.connected) this.child.disconnect();
  }
}
