import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { toDisposable, type Disposable } from '../../shared/disposable';
import type { TerminalEvent } from '../../shared/contract/terminal';
import type { SshPool } from '../ssh/pool';
import type { StreamSink } from '../transport/coreApi';
import { Recorder } from './recorder';

// Shells on the fleet's hosts, one per open terminal. Output is batched for 16 ms (or 64 kB; an
// echo after a quiet spell goes at once),
// decoded as UTF-8 across chunk boundaries, and flow-controlled end to end: past HIGH_WATER
// characters not yet acknowledged by the renderer, the SSH channel is paused, so ssh2's window
// fills and the remote `cat` or `yes` waits instead of the console's memory growing.

const FLUSH_MS = 16;
const FLUSH_CHARS = 64 * 1024;
export const HIGH_WATER = 512 * 1024;
const LOW_WATER = 128 * 1024;

export class TerminalService implements Disposable {
  private readonly sessions = new Map<string, ClientChannel>();

  constructor(
    private readonly pool: SshPool,
    /** Where recordings go (asciicast v2). */
    private readonly recordingsDir: string,
  ) {}

  open(host: string, size: { cols: number; rows: number; record?: boolean }, sink: StreamSink<TerminalEvent>): Disposable {
    let recorder: Recorder | null = null;
    const session = randomUUID();
    const decoder = new StringDecoder('utf8');
    let channel: ClientChannel | null = null;
    let closed = false;
    let pending = '';
    let timer: NodeJS.Timeout | null = null;
    let lastFlush = 0;
    let exited = false;

    const flush = (): void => {
      if (timer) clearTimeout(timer);
      timer = null;
      lastFlush = performance.now();
      if (pending) {
        recorder?.output(pending);
        sink.send({ kind: 'output', data: pending }, pending.length);
        pending = '';
      }
      if (channel && sink.unacked > HIGH_WATER && !channel.isPaused()) channel.pause();
    };
    const finish = (reason: string, error: boolean): void => {
      if (closed) return;
      closed = true;
      pending += decoder.end();
      flush();
      this.sessions.delete(session);
      recorder?.close();
      sink.send({ kind: 'closed', reason, error });
      sink.end();
    };
    const acks = sink.onAck(() => {
      if (channel?.isPaused() && sink.unacked < LOW_WATER) channel.resume();
    });

    this.pool.shell(host, { cols: size.cols, rows: size.rows }).then(
      (ch) => {
        if (closed) {
          ch.close();
          return;
        }
        channel = ch;
        this.sessions.set(session, ch);
        if (size.record) recorder = new Recorder(this.recordingsDir, host, size.cols, size.rows);
        sink.send({ kind: 'opened', session, recording: recorder?.id ?? null });
        ch.on('data', (chunk: Buffer) => {
          pending += decoder.write(chunk);
          if (pending.length >= FLUSH_CHARS) flush();
          // After a quiet spell (an echo, a prompt) send at once; under a flood, every 16 ms.
          else timer ??= setTimeout(flush, Math.max(0, FLUSH_MS - (performance.now() - lastFlush)));
        });
        ch.on('exit', () => (exited = true));
        ch.on('close', () =>
          finish(exited ? `The shell on ${host} ended.` : `The connection to ${host} was lost (sshd stopped, or the network). Open the terminal again to reconnect.`, !exited),
        );
      },
      (error: Error) => finish(error.message, true),
    );

    return toDisposable(() => {
      acks.dispose();
      if (timer) clearTimeout(timer);
      closed = true;
      this.sessions.delete(session);
      recorder?.close();
      channel?.close();
    });
  }

  input(session: string, data: string): void {
    this.channel(session).write(data);
  }

  resize(session: string, cols: number, rows: number): void {
    this.channel(session).setWindow(rows, cols, 0, 0);
  }

  private channel(session: string): ClientChannel {
    const channel = this.sessions.get(session);
    if (!channel) throw new Error('This terminal is closed.');
    return channel;
  }

  dispose(): void {
    for (const channel of this.sessions.values()) channel.close();
    this.sessions.clear();
  }
}
