// The Fleetdeck side of the poll benchmark, run by the bench as a child process of its own so that
// its CPU and memory are measured alone (bundled with esbuild and run by plain node, as the
// Electron main process runs the core: no tsx loader in the measured process). It loads the
// generated fleet file with the real fleet parser, runs the chosen engine, answers the bench's
// questions over IPC, and exits by itself when the bench goes away or its time is up.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { parseFleetFile } from '../../electron/core/inventory/parseFleetFile';
import type { ChildConfig, ChildCounters, ChildMessage, ChildSummary, ParentMessage, ProfileKind } from './pollProtocol';
import { RawEngine } from './pollRawEngine';
import { FleetdeckEngine } from './pollFleetdeckEngine';

interface Engine {
  start(): void | Promise<void>;
  snapshot(): ChildCounters;
  summary(sinceMs: number): ChildSummary;
  stop(): Promise<void>;
}

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as ChildConfig;
  let engine: Engine | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await engine?.stop();
    } finally {
      // process.exit (not a signal) so that --cpu-prof writes its profile.
      process.exit(code);
    }
  };
  // Bounded in time whatever happens: the bench may have been killed.
  setTimeout(() => void stop(3), config.maxRunMs).unref();
  process.on('disconnect', () => void stop(2));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void stop(0);
    else if (message.type === 'counters') send({ type: 'counters', id: message.id, counters: engine ? engine.snapshot() : emptyCounters() });
    else if (message.type === 'summary' && engine) send({ type: 'summary', id: message.id, summary: engine.summary(message.sinceMs) });
    else if (message.type === 'profile-start') answerDone(message.id, profileStart(message.kind));
    else if (message.type === 'profile-stop') answerDone(message.id, profileStop(message.file));
  });

  const parsed = parseFleetFile(readFileSync(config.fleetFile, 'utf8'), config.fleetFile);
  if (!parsed.ok) throw new Error(`fleet file ${parsed.problem.file}:${parsed.problem.line}:${parsed.problem.column}: ${parsed.problem.message}`);
  const hosts = parsed.fleet.hosts;
  engine = config.engine === 'raw' ? new RawEngine(hosts, config.intervalMs) : new FleetdeckEngine(config, parsed.fleet);
  await engine.start();
  send({ type: 'ready', hosts: hosts.length });
}

// The profilers run in this process (the CPU one is the same sampler as node --cpu-prof, 1 ms), but
// only between the bench's start and stop, so the profile shows the steady state, not start-up.
let session: Session | null = null;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

let profiling: ProfileKind | null = null;

/** The parent waits for 'done': it must come, with the error, even if the profiler throws. */
function answerDone(id: number, work: Promise<string | null>): void {
  work.then(
    (error) => send({ type: 'done', id, error }),
    (error: unknown) => send({ type: 'done', id, error: String(error) }),
  );
}

async function profileStart(kind: ProfileKind): Promise<string | null> {
  try {
    session = new Session();
    session.connect();
    profiling = kind;
    if (kind === 'cpu') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 1000 });
      await post('Profiler.start');
    } else {
      // Objects freed by a scavenge cost the collector almost nothing; those in the old generation
      // (promoted, or pretenured by V8) are what full collections work for, so the profile keeps
      // what a full collection freed as well as what is still alive.
      await post('HeapProfiler.enable');
      await post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function profileStop(file: string): Promise<string | null> {
  try {
    if (!session) return 'the profiler was not started';
    const { profile } = (await post(profiling === 'cpu' ? 'Profiler.stop' : 'HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    session = null;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function emptyCounters(): ChildCounters {
  return { at: Date.now(), polls: { monit: { ok: 0, errors: 0 }, node_exporter: { ok: 0, errors: 0 } }, errorSamples: [], cycles: 0 };
}

main().catch((error: unknown) => {
  send({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 100);
});
