import { describe, expect, it } from 'vitest';
import { UnreachableError, unreachableThrough } from './errors';

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
