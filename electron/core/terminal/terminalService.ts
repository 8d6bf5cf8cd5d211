import { randomUUID } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { toDisposable, type Disposable } from '../../../shared/disposable';
import type { TerminalEvent } from '../../../shared/contract/terminal';
import { isLoginRefusal } from '../ssh/errors';
import type { SshPool } from '../ssh/pool';
import type { StreamSink } from '../transport/coreApi';
import { Recorder } from './recorder';
import { completeUtf8Length } from './utf8';

// Shells on the fleet's hosts, one per open terminal. Output is batched for 16 ms (or 64 kB; an
// echo after a quiet spell goes at once) and sent as bytes, never decoded here: xterm.js decodes
// UTF-8 itself, and a batch never ends inside a character. It is flow-controlled end to end: past
// HIGH_WATER bytes not yet acknowledged by the renderer, the SSH channel is paused, so ssh2's window
// fills and the remote `cat` or `yes` waits instead of the console's memory growing.

const FLUSH_MS = 16;
const FLUSH_BYTES = 64 * 1024;
export const HIGH_WATER = 2 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

export interface TerminalServiceDeps {
  pool: SshPool;
  /** Where recordings go (asciicast v2). */
  recordingsDir: string;
}

export class TerminalService implements Disposable {
  private readonly sessions = new Map<string, ClientChannel>();
  private readonly pool: SshPool;
  private readonly recordingsDir: string;

  constructor({ pool, recordingsDir }: TerminalServiceDeps) {
    this.pool = pool;
    this.recordingsDir = recordingsDir;
  }

  open(host: string, size: { cols: number; rows: number; record?: boolean }, sink: StreamSink<TerminalEvent>): Disposable {
    let recorder: Recorder | null = null;
    const session = randomUUID();
    let channel: ClientChannel | null = null;
    let closed = false;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let timer: NodeJS.Timeout | null = null;
    let lastFlush = 0;
    let exited = false;
    // Why the connection under the shell failed, when it did (the pool says so before 'close').
    let lost: string | null = null;

    const flush = (final = false): void => {
      if (timer) clearTimeout(timer);
      timer = null;
      lastFlush = performance.now();
      if (pendingBytes > 0) {
        const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        const whole = final ? bytes.length : completeUtf8Length(bytes);
        pending = whole < bytes.length ? [bytes.subarray(whole)] : [];
        pendingBytes = bytes.length - whole;
        if (whole > 0) {
          const data = bytes.subarray(0, whole);
          recorder?.output(data.toString('utf8'));
          sink.send({ kind: 'output', data }, whole);
        }
      }
      if (channel && sink.unacked > HIGH_WATER && !channel.isPaused()) channel.pause();
    };
    const finish = (reason: string, error: boolean, loginRefused = false): void => {
      if (closed) return;
      closed = true;
      flush(true);
      this.sessions.delete(session);
      recorder?.close();
      sink.send({ kind: 'closed', reason, error, loginRefused });
      sink.end();
    };
    const acks = sink.onAck(() => {
      if (channel?.isPaused() && sink.unacked < LOW_WATER) channel.resume();
    });

    // A shell is opened by the user, never on its own: it connects, and asks, again even where a
    // login was refused before (the pool keeps that refusal for the status polls and the runs).
    this.pool.retry(host);
    this.pool.shell(host, { cols: size.cols, rows: size.rows }, (error) => (lost = error.message)).then(
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
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= FLUSH_BYTES) flush();
          // After a quiet spell (an echo, a prompt) send at once; under a flood, every 16 ms.
          else timer ??= setTimeout(() => flush(), Math.max(0, FLUSH_MS - (performance.now() - lastFlush)));
        });
        ch.on('exit', () => (exited = true));
        ch.on('close', () =>
          finish(
            exited ? `The shell on ${host} ended.`
            : (lost ?? `The connection to ${host} was lost (sshd stopped, or the network). Open the terminal again to reconnect.`),
            !exited,
          ),
        );
      },
      (error: Error) => finish(error.message, true, isLoginRefusal(error)),
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
