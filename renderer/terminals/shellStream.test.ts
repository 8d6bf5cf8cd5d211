import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamHandlers } from '../client';
import { ACK_DELAY_MS, ShellStream, type ShellLink, type ShellScreen } from './shellStream';

/** A core whose 'terminal.open' streams the test drives by hand. */
function fakeLink() {
  const streams: Array<{ params: { cols: number; rows: number }; handlers: StreamHandlers<unknown>; acks: number[]; closed: boolean }> = [];
  const calls: Array<[string, unknown]> = [];
  const link = {
    subscribe(_name: string, params: { cols: number; rows: number }, handlers: StreamHandlers<unknown>) {
      const s = { params, handlers, acks: [] as number[], closed: false };
      streams.push(s);
      return { ack: (w: number) => s.acks.push(w), close: () => (s.closed = true) };
    },
    call(name: string, input: unknown) {
      calls.push([name, input]);
      return Promise.resolve({});
    },
  } as unknown as ShellLink;
  return { link, streams, calls };
}

/** A screen that writes when the test says so, as xterm.js writes some time after `write`. */
function fakeScreen() {
  const pending: Array<() => void> = [];
  const text: string[] = [];
  const screen: ShellScreen & { cols: number; rows: number } = {
    cols: 100,
    rows: 30,
    write(data, written) {
      text.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
      if (written) pending.push(written);
    },
  };
  return { screen, text, flush: () => pending.splice(0).forEach((w) => w()) };
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function setUp() {
  const core = fakeLink();
  const screen = fakeScreen();
  const events = { opened: vi.fn(), ended: vi.fn() };
  const stream = new ShellStream(core.link, { host: 'host-1', record: false }, screen.screen, events);
  const emit = (i: number, event: unknown): void => core.streams[i]!.handlers.onEvent(event);
  return { ...core, ...screen, events, stream, emit };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ShellStream', () => {
  it('opens the shell at the screen size and acknowledges output once written, gathered into one ack', () => {
    const t = setUp();
    expect(t.streams[0]!.params).toMatchObject({ cols: 100, rows: 30 });
    t.emit(0, { kind: 'opened', session: 's1', recording: '/r/host-1.cast' });
    expect(t.events.opened).toHaveBeenCalledWith('/r/host-1.cast');
    t.emit(0, { kind: 'output', data: bytes('abc') });
    t.emit(0, { kind: 'output', data: bytes('de') });
    expect(t.text).toEqual(['abc', 'de']);
    // Not on the screen yet: nothing acknowledged, however long it takes.
    vi.advanceTimersByTime(100);
    expect(t.streams[0]!.acks).toEqual([]);
    t.flush();
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(t.streams[0]!.acks).toEqual([5]);
  });

  it('keeps keys typed before the shell is up, sends the size fitted meanwhile, then types straight through', () => {
    const t = setUp();
    t.stream.input('ls');
    t.stream.resize(90, 20);
    expect(t.calls).toEqual([]);
    t.screen.cols = 90;
    t.screen.rows = 20;
    t.emit(0, { kind: 'opened', session: 's1', recording: null });
    t.stream.input('\r');
    expect(t.calls).toEqual([
      ['terminal.input', { session: 's1', data: 'ls' }],
      ['terminal.resize', { session: 's1', cols: 90, rows: 20 }],
      ['terminal.input', { session: 's1', data: '\r' }],
    ]);
  });

  it('reports why the shell ended, and reconnects on the same screen after ssh.retry', async () => {
    const t = setUp();
    t.emit(0, { kind: 'opened', session: 's1', recording: null });
    t.emit(0, { kind: 'closed', reason: 'login refused', error: true, loginRefused: true });
    expect(t.events.ended).toHaveBeenCalledWith('login refused', true);
    expect(t.text.at(-1)).toContain('login refused');
    await t.stream.reconnect();
    expect(t.calls.at(-1)).toEqual(['ssh.retry', { host: 'host-1' }]);
    expect(t.streams.map((s) => s.closed)).toEqual([true, false]);
    // The old stream's late news is not this shell's.
    t.emit(0, { kind: 'output', data: bytes('late') });
    expect(t.text.at(-1)).not.toBe('late');
    t.emit(1, { kind: 'opened', session: 's2', recording: null });
    t.stream.input('x');
    expect(t.calls.at(-1)).toEqual(['terminal.input', { session: 's2', data: 'x' }]);
  });

  it('on dispose ends the stream, sends no pending ack and takes no more input', () => {
    const t = setUp();
    t.emit(0, { kind: 'opened', session: 's1', recording: null });
    t.emit(0, { kind: 'output', data: bytes('abc') });
    t.flush();
    t.stream.dispose();
    vi.advanceTimersByTime(ACK_DELAY_MS * 2);
    expect(t.streams[0]).toMatchObject({ closed: true, acks: [] });
    t.stream.input('x');
    expect(t.calls).toEqual([]);
    // An error the closing stream reports is not shown: the tab is gone.
    t.streams[0]!.handlers.onEnd?.({ code: 'failed', message: 'gone' });
    expect(t.events.ended).not.toHaveBeenCalled();
  });
});
