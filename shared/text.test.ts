import { describe, expect, it } from 'vitest';
import { agree, closestWord, plural } from './text';

describe('plural', () => {
  it('says one or many', () => {
    expect(plural(1, 'server')).toBe('1 server');
    expect(plural(0, 'server')).toBe('0 servers');
    expect(plural(3, 'process', 'processes')).toBe('3 processes');
    expect(`${plural(1, 'switched host')} went back to ${agree(1, 'its', 'their')} previous release`).toBe('1 switched host went back to its previous release');
  });
});

describe('closestWord', () => {
  it('finds a slip of the fingers, not a different word', () => {
    expect(closestWord('usr', ['user', 'port', 'address'])).toBe('user');
    expect(closestWord('enviroments', ['environments', 'defaults', 'apps'])).toBe('environments');
    expect(closestWord('rolse', ['roles', 'hosts'])).toBe('roles');
    expect(closestWord('zebra', ['user', 'port'])).toBeNull();
  });
});
