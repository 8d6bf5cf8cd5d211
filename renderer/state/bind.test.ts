import { describe, expect, it } from 'vitest';
import type { ApiError, PortState } from '../../shared/protocol';
import type { StreamHandlers, Subscription } from '../client';
import { bindClient, type CoreLink } from './bind';
import { createAppStore } from './store';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const info = { name: 'Fleetdeck', version: '0.1.0', mode: 'browser' as const, platform: 'linux', startedAt: 1 };
const snapshot = { file: '/f/fleet.yaml', loadedAt: 5, environments: [], hosts: [sampleHost()], problem: null, revision: 1 };

/** A client whose connection and stream the test drives by hand. */
function fakeClient() {
  let listener: (s: PortState) => void = () => undefined;
  const streams: Array<{ name: string; handlers: StreamHandlers<unknown>; closed: boolean }> = [];
  const calls: string[] = [];
  const client = {
    onConnection(l: (s: PortState) => void) {
      listener = l;
      l({ connected: false, reason: 'connecting' });
      return () => (listener = () => undefined);
    },
    subscribe(name: string, _params: unknown, handlers: StreamHandlers<unknown>): Subscription {
      const s = { name, handlers, closed: false };
      streams.push(s);
      return { ack: () => undefined, close: () => (s.closed = true) };
    },
    call(name: string) {
      calls.push(name);
      return Promise.resolve(name === 'status.events' ? [event(7)] : info);
    },
  } as unknown as CoreLink;
  return { client, streams, calls, setPort: (s: PortState) => listener(s) };
}

const event = (id: number) => ({ id, at: id, host: 'web-1', check: 'monit:endpoint', checkName: 'Monit', from: 'OK' as const, to: 'CRITICAL' as const, hard: true, reason: 'down' });
const STREAMS = ['fleet.updates', 'status.updates', 'status.changes', 'ssh.questions'];

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('bindClient', () => {
  it('tracks the connection, asks app.info and the latest events on every connect, and keeps one of each stream', async () => {
    const fake = fakeClient();
    const store = createAppStore();
    let t = 100;
    bindClient(fake.client, store, () => t);
    expect(store.getState().connection).toEqual({ status: 'connecting' });
    expect(fake.streams.map((s) => s.name)).toEqual(STREAMS);

    fake.setPort({ connected: true });
    await tick();
    expect(store.getState().connection).toEqual({ status: 'connected', since: 100 });
    expect(store.getState().appInfo).toEqual(info);

    fake.streams[0]!.handlers.onEvent(snapshot);
    expect(store.getState().snapshot).toBe(snapshot);

    t = 200;
    fake.setPort({ connected: false, reason: 'the core is not answering' });
    expect(store.getState().connection).toMatchObject({ status: 'disconnected', since: 200, wasConnected: true });
    fake.setPort({ connected: true });
    expect(fake.calls).toEqual(['app.info', 'status.events', 'app.info', 'status.events']);
    expect(store.getState().events.map((e) => e.id)).toEqual([7]);
    // The client re-opens its own streams after a reconnect: no second subscription.
    expect(fake.streams).toHaveLength(STREAMS.length);
    // Status batches and state changes reach the store.
    fake.streams[1]!.handlers.onEvent({ full: true, at: 1, hosts: [{ host: 'web-1', state: 'OK', hard: true, stale: false, lastPoll: 1, summary: 'ok', checks: [], latest: {} }], removed: [] });
    expect(store.getState().statuses['web-1']?.state).toBe('OK');
    fake.streams[2]!.handlers.onEvent(event(9));
    await tick();
    expect(store.getState().events.map((e) => e.id)).toEqual([9, 7]);
  });

  it('opens the fleet stream again on the next connect when the core ended it', () => {
    const fake = fakeClient();
    const store = createAppStore();
    bindClient(fake.client, store);
    fake.setPort({ connected: true });
    const error: ApiError = { code: 'failed', message: 'core stopping' };
    fake.streams[0]!.handlers.onEnd?.(error);
    expect(store.getState().fleetStreamError).toBe('core stopping');
    fake.setPort({ connected: false, reason: 'x' });
    fake.setPort({ connected: true });
    expect(fake.streams.map((s) => s.name)).toEqual([...STREAMS, 'fleet.updates']);
  });

  it('lets go of everything when disposed', () => {
    const fake = fakeClient();
    const binding = bindClient(fake.client, createAppStore());
    binding.dispose();
    expect(fake.streams.every((s) => s.closed)).toBe(true);
  });
});
