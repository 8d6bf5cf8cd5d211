import { describe, expect, it } from 'vitest';
import { nextConnection, type ConnectionState } from './connection';

const connecting: ConnectionState = { status: 'connecting' };

describe('nextConnection', () => {
  it('stays connecting while the first attempt has no outcome', () => {
    expect(nextConnection(connecting, { connected: false, reason: 'connecting' }, 1)).toBe(connecting);
  });

  it('records when the connection came up, and keeps it while it stays up', () => {
    const up = nextConnection(connecting, { connected: true }, 10);
    expect(up).toEqual({ status: 'connected', since: 10 });
    expect(nextConnection(up, { connected: true }, 20)).toBe(up);
  });

  it('tells a lost connection from a core that never answered', () => {
    const up: ConnectionState = { status: 'connected', since: 10 };
    expect(nextConnection(up, { connected: false, reason: 'the core is not answering' }, 30)).toEqual({
      status: 'disconnected',
      reason: 'the core is not answering',
      since: 30,
      wasConnected: true,
    });
    expect(nextConnection(connecting, { connected: false, reason: 'refused: missing or wrong token' }, 5)).toEqual({
      status: 'disconnected',
      reason: 'refused: missing or wrong token',
      since: 5,
      wasConnected: false,
    });
  });

  it('keeps when it went down across retries, with the latest reason', () => {
    const down: ConnectionState = { status: 'disconnected', reason: 'a', since: 30, wasConnected: true };
    expect(nextConnection(down, { connected: false, reason: 'a' }, 40)).toBe(down);
    expect(nextConnection(down, { connected: false, reason: 'b' }, 40)).toEqual({ ...down, reason: 'b' });
  });
});
