import { describe, expect, it } from 'vitest';
import { describeForeignBody } from './parseError';

describe('describeForeignBody', () => {
  it('names the answers people get from the wrong port or path', () => {
    expect(describeForeignBody('')).toBe('the response was empty');
    expect(describeForeignBody('  <!DOCTYPE html><html>')).toBe('got an HTML page (wrong port or path?)');
    expect(describeForeignBody('{"status":"ok"}')).toBe('got JSON');
    expect(describeForeignBody('node_load1 0.5\n')).toBeNull();
  });

  it('calls random bytes binary even when the first one is "{" or "<" (the bad-endpoints bench saw "got JSON")', () => {
    expect(describeForeignBody('{\x00\x9c\x13\x07garbage')).toBe('got binary data');
    expect(describeForeignBody('<html\x01\x02')).toBe('got binary data');
  });
});
