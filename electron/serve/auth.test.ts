import { describe, expect, it } from 'vitest';
import { newToken, tokenProblem } from './auth';

describe('tokenProblem', () => {
  it('refuses a token under 128 bits, saying what is needed', () => {
    for (const weak of ['', 'secret', 'e2e-token-k3j4h5g6f7', 'a'.repeat(40), 'ab'.repeat(20), '0123456789abcdef0123456789abcde', 'has space in it and is long enough', 'ünïcödé-tökén-that-is-lööng']) {
      expect(tokenProblem(weak), weak).toMatch(/at least 128 bits: 22 or more characters of A-Z a-z 0-9 - _ \(32 or more if it is hex\)/);
    }
  });

  it('takes 22 base64url characters, 32 hex ones, and what newToken makes', () => {
    for (const strong of ['Zt3_k9Qw-LmP0xYv7RbN2c', '0123456789abcdef0123456789abcdef', newToken()]) expect(tokenProblem(strong), strong).toBeNull();
  });
});
