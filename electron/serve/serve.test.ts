import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseToken, serveMain } from './serve';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-serve-token-'));
afterEach(() => vi.restoreAllMocks());

describe('the token browser mode is given', () => {
  it('comes from --token-file (without its last newline), else FLEETDECK_TOKEN, else is made', () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'Zt3_k9Qw-LmP0xYv7RbN2c\n', { mode: 0o600 });
    expect(chooseToken(undefined, file, { FLEETDECK_TOKEN: 'from-env' })).toBe('Zt3_k9Qw-LmP0xYv7RbN2c');
    expect(chooseToken(undefined, undefined, { FLEETDECK_TOKEN: 'from-env' })).toBe('from-env');
    expect(chooseToken(undefined, undefined, {})).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(() => chooseToken(undefined, path.join(dir, 'missing'), {})).toThrow(/cannot read the token file/);
  });

  it('warns that --token shows in ps, and still takes it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(chooseToken('Zt3_k9Qw-LmP0xYv7RbN2c', undefined, {})).toBe('Zt3_k9Qw-LmP0xYv7RbN2c');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('--token is visible to every user of this machine (ps'));
  });

  it('refuses to start with an empty or short token instead of turning the check off', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const args = ['--port', '0', '--data-dir', path.join(dir, 'data'), '--fleet', path.join(dir, 'none.yaml')];
    await expect(serveMain([...args, '--token', ''])).rejects.toThrow(/the token is 0 characters long: a token needs at least 128 bits/);
    await expect(serveMain([...args, '--token', 'short'])).rejects.toThrow(/at least 128 bits/);
    vi.stubEnv('FLEETDECK_TOKEN', '');
    try {
      await expect(serveMain(args)).rejects.toThrow(/the token is 0 characters long/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
