// The SecretStores on their own: memory (browser mode), and the safeStorage one over a stand-in
// for Electron's safeStorage (real AES-GCM with a key only this test holds), since Electron's own
// needs an Electron process and an OS keychain.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QuestionBroker } from './questions';
import { openSafeStorageSecrets, SafeStorageSecretStore, type SafeStorageApi } from '../../desktop/safeStorageSecrets';
import { MemorySecretStore, secretFromKey, secretKey, secretLabel, type SecretFor, type SecretStore } from './secrets';
import { sshApi } from './sshApi';

const web: SecretFor = { kind: 'password', user: 'deploy', address: '127.0.135.21', port: 2222 };
const SECRET = 'correct horse battery staple';

describe('secretKey', () => {
  it('keys a password by user, address and port, and a passphrase by file', () => {
    expect(secretKey(web)).toBe('password deploy@127.0.135.21:2222');
    expect(secretKey({ kind: 'password', user: 'deploy', address: 'FD00::1', port: 22 })).toBe('password deploy@[fd00::1]:22');
    expect(secretKey({ kind: 'passphrase', file: '/home/me/.ssh/id_ed25519' })).toBe('passphrase /home/me/.ssh/id_ed25519');
  });

  it('reads back the target a key names, and labels it without saying "password" or "passphrase"', () => {
    const ipv6: SecretFor = { kind: 'password', user: 'deploy', address: 'fd00::1', port: 22 };
    const spaced: SecretFor = { kind: 'passphrase', file: '/home/me/my keys/id_rsa' };
    for (const target of [web, ipv6, spaced]) expect(secretFromKey(secretKey(target))).toEqual(target);
    expect(secretLabel(web)).toBe('deploy@127.0.135.21:2222');
    expect(secretLabel(ipv6)).toBe('deploy@[fd00::1]:22');
    expect(secretLabel(spaced)).toBe('/home/me/my keys/id_rsa');
    for (const stranger of ['password deploy@127.0.0.1', 'token abc', 'password @host:22', '']) expect(secretFromKey(stranger)).toBeNull();
  });
});

describe('MemorySecretStore', () => {
  it('remembers, returns and forgets a secret', async () => {
    const store = new MemorySecretStore();
    expect(store.keeping).toBe('memory');
    expect(await store.get(web)).toBeNull();
    await store.set(web, SECRET);
    expect(await store.get(web)).toBe(SECRET);
    await store.set(web, 'newer');
    expect(await store.get(web)).toBe('newer');
    await store.delete(web);
    expect(await store.get(web)).toBeNull();
    await store.delete(web); // forgetting twice is fine
    expect(store.size).toBe(0);
  });

  it('never hands a password to another user, address or port, nor a passphrase for a password', async () => {
    const store = new MemorySecretStore();
    await store.set(web, SECRET);
    for (const other of [
      { ...web, user: 'root' },
      { ...web, address: '127.0.135.22' },
      { ...web, port: 22 },
      { kind: 'passphrase', file: 'deploy@127.0.135.21:2222' },
    ] satisfies SecretFor[]) {
      expect(await store.get(other)).toBeNull();
    }
  });

  it('lists what it remembers, never the secrets, and forgets what is deleted', async () => {
    const store = new MemorySecretStore();
    const key: SecretFor = { kind: 'passphrase', file: '/keys/id' };
    expect(await store.list()).toEqual([]);
    await store.set(web, SECRET);
    await store.set(key, 'pass phrase');
    expect(await store.list()).toEqual([web, key]);
    expect(JSON.stringify(await store.list())).not.toContain(SECRET);
    await store.delete(web);
    expect(await store.list()).toEqual([key]);
  });

  it('shows no secret when logged or serialised', async () => {
    const store = new MemorySecretStore();
    await store.set(web, SECRET);
    expect(inspect(store, { depth: 5, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(store)).not.toContain(SECRET);
    expect(JSON.stringify(store)).toBe('{"keeping":"memory","size":1}');
  });
});

/** Stand-in for Electron's safeStorage: AES-256-GCM under a key the "keychain" (this object) holds. */
function fakeSafeStorage(
  backend: ReturnType<SafeStorageApi['getSelectedStorageBackend']> = 'gnome_libsecret',
  available = true,
): SafeStorageApi & { calls: number } {
  const key = randomBytes(32);
  const api = {
    calls: 0,
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: async (text: string) => {
      api.calls++;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptStringAsync: async (data: Buffer) => {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return { shouldReEncrypt: false, result: Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8') };
    },
  };
  return api;
}

describe('SafeStorageSecretStore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps secrets encrypted in one 0600 file that names neither the secret nor the host', async () => {
    const file = join(dir, 'a', 'secrets.bin');
    const safe = fakeSafeStorage();
    const store = await openSafeStorageSecrets(file, safe, 'linux');
    expect(store?.keeping).toBe('encrypted');
    await store!.set(web, SECRET);
    await store!.set({ kind: 'passphrase', file: '/keys/id' }, 'pass phrase');
    const raw = readFileSync(file);
    for (const clear of [SECRET, 'pass phrase', 'deploy', '127.0.135.21', '/keys/id']) expect(raw.includes(clear)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Another store over the same file and keychain (the next start) reads them back.
    const again = new SafeStorageSecretStore(file, safe);
    expect(await again.get(web)).toBe(SECRET);
    expect(await again.get({ kind: 'passphrase', file: '/keys/id' })).toBe('pass phrase');
    expect(await again.get({ ...web, port: 22 })).toBeNull();

    expect(await again.list()).toEqual([web, { kind: 'passphrase', file: '/keys/id' }]);
    await again.delete(web);
    expect(await store!.get(web)).toBeNull();
    expect(await store!.list()).toEqual([{ kind: 'passphrase', file: '/keys/id' }]);
    await again.delete({ kind: 'passphrase', file: '/keys/id' });
    expect(existsSync(file)).toBe(false); // nothing left: no file
  });

  it('loses no secret when several are remembered at once', async () => {
    const store = new SafeStorageSecretStore(join(dir, 'b', 'secrets.bin'), fakeSafeStorage());
    const targets = Array.from({ length: 8 }, (_, i): SecretFor => ({ ...web, port: 2200 + i }));
    await Promise.all(targets.map((t, i) => store.set(t, `secret-${i}`)));
    expect(await Promise.all(targets.map((t) => store.get(t)))).toEqual(targets.map((_, i) => `secret-${i}`));
  });

  it('starts over, saying where but not what, when the keychain cannot decrypt the file', async () => {
    const file = join(dir, 'c', 'secrets.bin');
    await new SafeStorageSecretStore(file, fakeSafeStorage()).set(web, SECRET);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const other = new SafeStorageSecretStore(file, fakeSafeStorage()); // another keychain key
      expect(await other.get(web)).toBeNull();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain(file);
      await other.set({ ...web, user: 'root' }, 'other');
      expect(await other.get({ ...web, user: 'root' })).toBe('other');
      writeFileSync(file, 'not encrypted at all');
      expect(await other.get({ ...web, user: 'root' })).toBeNull();
      for (const call of warn.mock.calls) expect(String(call[0])).not.toContain(SECRET);
    } finally {
      warn.mockRestore();
    }
  });

  it('is not offered without a keychain, nor with Linux\'s basic_text backend (a built-in key)', async () => {
    expect(await openSafeStorageSecrets(join(dir, 'd'), fakeSafeStorage('gnome_libsecret', false), 'linux')).toBeNull();
    expect(await openSafeStorageSecrets(join(dir, 'd'), fakeSafeStorage('basic_text'), 'linux')).toBeNull();
    expect(await openSafeStorageSecrets(join(dir, 'd'), fakeSafeStorage('unknown'), 'linux')).toBeNull();
    expect(await openSafeStorageSecrets(join(dir, 'd'), fakeSafeStorage('kwallet6'), 'linux')).not.toBeNull();
    // The backend is a Linux matter: elsewhere availability is the whole answer.
    expect(await openSafeStorageSecrets(join(dir, 'd'), fakeSafeStorage('unknown'), 'darwin')).not.toBeNull();
  });
});

describe('the remembered secrets of sshApi', () => {
  const secretsApi = (secrets: SecretStore | null) => sshApi({ pool: { retry: () => undefined }, questions: new QuestionBroker(), secrets });

  it('lists remembered logins by key, kind and label, and forgets one by its key', async () => {
    const store = new MemorySecretStore();
    await store.set(web, SECRET);
    await store.set({ kind: 'passphrase', file: '/keys/id' }, 'pass phrase');
    const api = secretsApi(store);
    const listed = await api.requests['secrets.list']({});
    expect(listed).toEqual({
      keeping: 'memory',
      secrets: [
        { key: 'passphrase /keys/id', kind: 'passphrase', label: '/keys/id' },
        { key: 'password deploy@127.0.135.21:2222', kind: 'password', label: 'deploy@127.0.135.21:2222' },
      ],
    });
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(await api.requests['secrets.forget']({ key: 'password deploy@127.0.135.21:2222' })).toBeNull();
    expect(await store.get(web)).toBeNull();
    expect((await api.requests['secrets.list']({})).secrets.map((s) => s.label)).toEqual(['/keys/id']);
    await expect(api.requests['secrets.forget']({ key: 'token abc' })).rejects.toThrow('does not name a remembered password or passphrase');
  });

  it('lists nothing, and says nothing can be remembered, without a store', async () => {
    expect(await secretsApi(null).requests['secrets.list']({})).toEqual({ keeping: null, secrets: [] });
  });
});

describe('QuestionBroker and "remember"', () => {
  it('passes "remember" on only for a question that offered it', async () => {
    const broker = new QuestionBroker();
    const ids: number[] = [];
    broker.subscribe((q) => ids.push(q.id));
    const offered = broker.ask({ kind: 'password', host: 'web-1', user: 'deploy', remember: 'memory' });
    const notOffered = broker.ask({ kind: 'password', host: 'web-1', user: 'deploy (Verification code:)', remember: null });
    const hostKey = broker.ask({ kind: 'host-key', host: 'web-1', address: '127.0.135.21', port: 2222, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x' });
    broker.answer(ids[0]!, SECRET, true);
    broker.answer(ids[1]!, '123456', true);
    broker.answer(ids[2]!, 'accept', true);
    expect(await offered).toEqual({ value: SECRET, remember: true });
    expect(await notOffered).toEqual({ value: '123456', remember: false });
    expect(await hostKey).toEqual({ value: 'accept', remember: false });
    broker.dispose();
  });
});
