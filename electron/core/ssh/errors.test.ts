import { describe, expect, it } from 'vitest';
import { NoAnswerError, UnreachableError, unreachableThrough } from './errors';

const priv = { name: 'priv-2', address: '198.18.0.2', port: 2222 };
const bastion = { name: 'bastion-1', address: '198.18.255.2', port: 2222 };
const refusal = (description: string) => Object.assign(new Error(`(SSH) Channel open failure: ${description}`), { reason: 2 });

describe('unreachableThrough', () => {
  it('says the host cannot be reached through the jump host, and why the jump host could not connect', () => {
    const error = unreachableThrough(priv, bastion, refusal('No route to host'));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.reason).toBe('network');
    expect(error.message).toBe('Cannot reach priv-2 (198.18.0.2:2222) through bastion-1: bastion-1 could not connect to it (no route to host).');
  });

  it('tells a refusal and a timeout apart', () => {
    expect(unreachableThrough(priv, bastion, refusal('Connection refused')).reason).toBe('refused');
    expect(unreachableThrough(priv, bastion, refusal('Connection timed out')).reason).toBe('timeout');
    expect(unreachableThrough(priv, bastion, refusal('administratively prohibited: open failed')).message).toMatch(/could not connect to it \(administratively prohibited/);
  });
});

describe('NoAnswerError', () => {
  it('names the host, the jump host it is reached through, the time waited and what did not happen', () => {
    const error = new NoAnswerError(priv, 'bastion-1', 2500, 'the command never started');
    expect(error.kind).toBe('closed');
    expect(error.message).toBe(
      'priv-2 (198.18.0.2:2222, through bastion-1) did not answer within 2.5 s, so the command never started: the host hangs, or the network through bastion-1 to it is cut. ' +
        'The connection is dropped once its keepalives go unanswered, and opened again on the next use.',
    );
    expect(new NoAnswerError(bastion, null, 20_000, 'the shell did not open').message).toMatch(/^bastion-1 \(198\.18\.255\.2:2222\) did not answer within 20 s, so the shell did not open: the host hangs, or the network to it is cut\./);
  });
});
