import type { TerminalEvent } from '../../../shared/contract/terminal';
import { toDisposable } from '../../../shared/disposable';
import type { StreamSink } from '../transport/coreApi';

// For the terminal's integration tests: a stream sink that keeps what the core sent.

export interface RecordingSink {
  sink: StreamSink<TerminalEvent>;
  events: TerminalEvent[];
  output(): Uint8Array[];
  bytes(): number;
  text(): string;
  ackAll(): void;
}

/** What the transport gives a stream, recording what was sent; acks are given by hand. */
export function recordingSink(): RecordingSink {
  const events: TerminalEvent[] = [];
  const listeners = new Set<() => void>();
  let unacked = 0;
  const sink: StreamSink<TerminalEvent> = {
    send(event, weight = 1) {
      events.push(event);
      unacked += weight;
    },
    end() {},
    get unacked() {
      return unacked;
    },
    onAck(listener) {
      listeners.add(listener);
      return toDisposable(() => listeners.delete(listener));
    },
  };
  const output = (): Uint8Array[] => events.flatMap((e) => (e.kind === 'output' ? [e.data] : []));
  return {
    sink,
    events,
    output,
    bytes: () => output().reduce((n, b) => n + b.byteLength, 0),
    text: () => output().map((b) => Buffer.from(b).toString('utf8')).join(''),
    ackAll() {
      unacked = 0;
      for (const l of listeners) l();
    },
  };
}
