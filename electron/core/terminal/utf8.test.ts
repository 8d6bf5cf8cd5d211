import { describe, expect, it } from 'vitest';
import { completeUtf8Length } from './utf8';

describe('completeUtf8Length', () => {
  const text = 'a é € 𝄞 z'; // 1-, 2-, 3- and 4-byte characters
  const bytes = new TextEncoder().encode(text);

  it('cuts every prefix of mixed text at a character boundary, and the pieces rejoin to the text', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const head = bytes.subarray(0, cut);
      const keep = completeUtf8Length(head);
      expect(cut - keep).toBeLessThanOrEqual(3);
      // The kept part decodes without a replacement character, and with the rest gives the text.
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, keep));
      expect(decoded + new TextDecoder().decode(bytes.subarray(keep))).toBe(text);
    }
  });

  it('keeps a buffer that ends on a whole character, and empty input', () => {
    expect(completeUtf8Length(bytes)).toBe(bytes.length);
    expect(completeUtf8Length(new Uint8Array(0))).toBe(0);
  });

  it('passes bytes that are not UTF-8 through rather than holding them back', () => {
    expect(completeUtf8Length(Uint8Array.of(0x41, 0x80, 0x80, 0x80))).toBe(4);
    expect(completeUtf8Length(Uint8Array.of(0xff))).toBe(1);
  });
});
