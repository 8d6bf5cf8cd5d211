import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeConnection, connect } from './httpConnections';

const endpoint = { secure: false, hostname: '198.18.0.7', port: 9100 };

describe('closeConnection', () => {
  it('closes an SSH channel with its close() alone: its destroy() would send EOF as well', () => {
    const calls: string[] = [];
    const channel = Object.assign(new PassThrough(), {
      close: () => calls.push('close'),
      destroy: () => (calls.push('destroy'), channel),
    });
    closeConnection(connect(endpoint, channel));
    expect(calls).toEqual(['close']);
  });

  it('destroys a stream that has no close()', () => {
    const stream = new PassThrough();
    closeConnection(connect(endpoint, stream));
    expect(stream.destroyed).toBe(true);
  });
});
