import { StringDecoder } from 'node:string_decoder';
import { toDisposable, type Disposable } from '../../../shared/disposable';
import type { RunEvent, TailEvent } from '../../../shared/contract/run';
import type { SshPool } from '../ssh/pool';
import { remotePath, sh } from '../ssh/shell';
import { Semaphore } from '../common/semaphore';
import type { StreamSink } from '../transport/coreApi';

// Ad-hoc commands and log tails on many hosts at once (Rundeck's and `ansible -m shell`'s
// everyday job), each host over its pooled connection. Output is gathered per host and sent every
// 50 ms, so a chatty command on 200 hosts is a few messages a second, not thousands.

const FLUSH_MS = 50;
export const OUTPUT_CAP = 1 << 20;

/** Collects per-host output and flushes it on a timer, UTF-8 safe and capped per host. */
class OutputBuffer {
  private readonly pending = new Map<string, { stream: 'stdout' | 'stderr'; data: string }[]>();
  private readonly sizes = new Map<string, number>();
  private readonly decoders = new Map<string, StringDecoder>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly send: (host: string, stream: 'stdout' | 'stderr', data: string) => void) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  add(host: string, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const size = this.sizes.get(host) ?? 0;
    if (size >= OUTPUT_CAP) return;
    this.sizes.set(host, size + chunk.length);
    const key = `${host}\u0000${stream}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = new StringDecoder('utf8')));
    let data = decoder.write(chunk);
    if (size + chunk.length >= OUTPUT_CAP) data += `\n[output cut after ${OUTPUT_CAP / (1 << 20)} MB]\n`;
    const list = this.pending.get(host) ?? [];
    const last = list.at(-1);
    if (last && last.stream === stream) last.data += data;
    else list.push({ stream, data });
    this.pending.set(host, list);
  }

  flush(host?: string): void {
    for (const [h, list] of this.pending) {
      if (host !== undefined && h !== host) continue;
      for (const part of list) if (part.data) this.send(h, part.stream, part.data);
      this.pending.delete(h);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

export function runOnHosts(
  pool: SshPool,
  params: { hosts: string[]; command: string; concurrency: number; timeoutS: number; retry?: boolean },
  sink: StreamSink<RunEvent>,
): Disposable {
  if (params.retry) for (const host of params.hosts) pool.retry(host);
  const abort = new AbortController();
  const semaphore = new Semaphore(params.concurrency);
  const output = new OutputBuffer((host, stream, data) => sink.send({ kind: 'output', host, stream, data }));
  let ok = 0;
  let failed = 0;
  const one = async (host: string): Promise<void> => {
    if (abort.signal.aborted) return;
    const started = Date.now();
    sink.send({ kind: 'started', host, at: started });
    try {
      const result = await pool.exec(host, params.command, {
        signal: abort.signal,
        timeoutMs: params.timeoutS * 1000,
        onStdout: (chunk) => output.add(host, 'stdout', chunk),
        onStderr: (chunk) => output.add(host, 'stderr', chunk),
      });
      output.flush(host);
      if (result.code === 0) ok++;
      else failed++;
      sink.send({ kind: 'finished', host, code: result.code, signal: result.signal, durationMs: Date.now() - started });
    } catch (error) {
      output.flush(host);
      failed++;
      sink.send({ kind: 'failed', host, error: (error as Error).message, durationMs: Date.now() - started });
    }
  };
  void Promise.all(params.hosts.map((host) => semaphore.run(() => one(host)))).then(() => {
    output.dispose();
    if (abort.signal.aborted) return;
    sink.send({ kind: 'done', ok, failed });
    sink.end();
  });
  return toDisposable(() => {
    abort.abort();
    output.dispose();
  });
}

export function tailOnHosts(pool: SshPool, params: { hosts: string[]; path: string; lines: number }, sink: StreamSink<TailEvent>): Disposable {
  const abort = new AbortController();
  const partial = new Map<string, string>();
  const ready = new Map<string, string[]>();
  const timer = setInterval(() => {
    for (const [host, lines] of ready) if (lines.length > 0) sink.send({ kind: 'lines', host, lines: lines.splice(0) });
  }, 100);
  const command = sh`tail -n ${params.lines} -F -- ${remotePath(params.path)}`;
  for (const host of params.hosts) {
    const decoder = new StringDecoder('utf8');
    const onData = (chunk: Buffer): void => {
      const text = (partial.get(host) ?? '') + decoder.write(chunk);
      const lines = text.split('\n');
      partial.set(host, lines.pop() ?? '');
      const list = ready.get(host) ?? [];
      list.push(...lines.map((l) => l.replace(/\r$/, '')));
      // A host that floods is cut to its newest lines: the view shows a few thousand anyway.
      if (list.length > 5000) list.splice(0, list.length - 5000);
      ready.set(host, list);
    };
    pool
      .exec(host, command, { signal: abort.signal, onStdout: onData, onStderr: onData })
      .then(
        (r) => sink.send({ kind: 'ended', host, error: r.code === 0 || r.code === null ? null : `tail exited with ${r.code}` }),
        (error: Error) => !abort.signal.aborted && sink.send({ kind: 'ended', host, error: error.message }),
      );
  }
  return toDisposable(() => {
    abort.abort();
    clearInterval(timer);
  });
}
