import { describe, expect, it } from 'vitest';
import { parseAsciicast } from './RecordingsPanel';

describe('parseAsciicast', () => {
  it('reads the header and the output events', () => {
    const text = '{"version": 2, "width": 100, "height": 30}\n[0.5, "o", "hello "]\n[0.7, "r", "80x24"]\n[1.25, "o", "world"]\n';
    expect(parseAsciicast(text)).toEqual({ width: 100, height: 30, events: [[0.5, 'hello '], [1.25, 'world']] });
  });
  it('refuses other formats', () => {
    expect(() => parseAsciicast('{"version": 1}\n')).toThrow(/asciicast v2/);
  });
});
