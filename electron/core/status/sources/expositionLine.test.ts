import { describe, expect, it } from 'vitest';
import { parseSampleValue, SampleLine } from './expositionLine';

// What Debian's Prometheus 2.42 does with each line (its scrape succeeds or fails) is checked
// against the real thing in expositionLine.int.test.ts; these are the same rules, quickly.

function read(line: string, name = 'node_load1'): { refused: string | null; value: number; sample: SampleLine } {
  const sample = new SampleLine();
  const refused = sample.read(line, name.length);
  return { refused, value: sample.value, sample };
}

describe('a sample value', () => {
  it('reads what Go reads: decimals, exponents, NaN and the infinities in any case', () => {
    expect(['1', '-2.5', '+.5', '5.', '1e3', '1.5E-3'].map(parseSampleValue)).toEqual([1, -2.5, 0.5, 5, 1000, 0.0015]);
    expect(['+Inf', '-Inf', 'Inf', 'inf', 'Infinity', '-infinity'].map(parseSampleValue)).toEqual([Infinity, -Infinity, Infinity, Infinity, Infinity, -Infinity]);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('nan')).toBeNaN();
  });

  it('refuses what Prometheus refuses (which JavaScript reads as numbers)', () => {
    for (const text of ['', '1\r', '0x10', '0b1', '0o7', '1_000', '1e400', '+NaN', 'Infinit', '.', '1e', ' 1', 'constructor']) expect(parseSampleValue(text), text).toBeUndefined();
  });
});

describe('a sample line', () => {
  it('reads the value before a timestamp, with tabs and repeated spaces as separators', () => {
    expect(read('node_load1 0.5 1700000000000')).toMatchObject({ refused: null, value: 0.5 });
    expect(read('node_load1\t1.25')).toMatchObject({ refused: null, value: 1.25 });
    expect(read('node_load1   2.5  \t 1700000000000 ')).toMatchObject({ refused: null, value: 2.5 });
    expect(read('node_load1{a="1"}7')).toMatchObject({ refused: null, value: 7 });
  });

  it('unescapes \\" \\\\ and \\n in label values and finds labels by their whole name', () => {
    const { sample } = read('node_cpu_seconds_total{note="mode=\\"idle\\"",xmode="idle" , mode="user",path="a\\\\b\\nc\\td",} 5', 'node_cpu_seconds_total');
    expect(sample.label('mode')).toBe('user');
    expect(sample.label('note')).toBe('mode="idle"');
    expect(sample.label('path')).toBe('a\\b\nc\\td');
    expect(sample.label('cpu')).toBeUndefined();
    expect(read('node_load1{a="1" b="2"} 1').sample.label('b')).toBe('2');
  });

  it('says why Prometheus would refuse a line', () => {
    expect(read('node_load1 ').refused).toMatch(/no value/);
    expect(read('node_load1 0x10').refused).toMatch(/"0x10" is not a number/);
    expect(read('node_load1 1 1.5').refused).toMatch(/not a timestamp/);
    expect(read('node_load1 1 -5').refused).toMatch(/not a timestamp/);
    expect(read('node_load1 1 2 3').refused).toMatch(/not a timestamp/);
    expect(read('node_load1{a="1} 1').refused).toMatch(/labels/);
    expect(read('node_load1{a=1} 1').refused).toMatch(/labels/);
    expect(read('node_load1{="1"} 1').refused).toMatch(/labels/);
  });
});
