import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SshQuestion } from '../../../shared/contract/ssh';
import { fleetDown, fleetUp, PASSWORD_USER, type RunningFleet } from '../../../e2e/fleet/fleet';
import { hostPaths } from '../../../e2e/fleet/layout';
import type { Host } from '../../../shared/fleet/model';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { AuthError, HostKeyChangedError } from './errors';
import { HostKeyStore } from './hostKeys';
import { SshPool } from './pool';
import { QuestionBroker } from './questions';
import { MemorySecretStore, type SecretFor, type SecretStore } from './secrets';

// Password and keyboard-interactive logins against the test fleet's real sshd with PAM
// (127.0.135.x): host-1 offers the password user both methods, host-2 keyboard-interactive only,
// host-3 neither (key-only, as every host is for the fleet's own user). Answers go through the
// QuestionBroker, as the UI's do.

const FIRST_INDEX = (135 - 10) * 254;

describe('password and keyboard-interactive logins', () => {
  let dir: string;
  let fleet: RunningFleet;
  let password: string;
  let hosts: Map<string, Host>;
  const disposables: Array<{ dispose(): void }> = [];

  type Reply = string | null | { value: string; remember: boolean };
  interface SetupOptions {
    /** Default: the password user, with no key (the fleet user logs in with the fleet's key). */
    user?: string;
    secrets?: SecretStore;
    change?: (h: Host) => Host;
  }
  /** A pool (no agent) whose questions a script answers through a QuestionBroker, as the UI does. */
  const setup = (answer: (q: SshQuestion) => Reply, options: SetupOptions = {}) => {
    const user = options.user ?? PASSWORD_USER;
    const broker = new QuestionBroker();
    const questions: SshQuestion[] = [];
    broker.subscribe((q) => {
      questions.push(q);
      // Answered later, as a person would: the pool must wait for it.
      setTimeout(() => {
        const reply = answer(q);
        if (reply === null || typeof reply === 'string') broker.answer(q.id, reply);
        else broker.answer(q.id, reply.value, reply.remember);
      }, 10);
    });
    const change = options.change ?? ((h: Host) => h);
    const pool = new SshPool({
      lookup: (n) => {
        const h = hosts.get(n);
        return h && change(user === h.user ? h : { ...h, user, identity: null });
      },
      hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }),
      ask: broker.ask,
      secrets: options.secrets ?? null,
      agent: null,
      idleMs: 500,
    });
    disposables.push(pool, broker);
    return { pool, questions };
  };
  const run = async (pool: SshPool, host: string, command: string) => {
    let out = '';
    const result = await pool.exec(host, command, { onStdout: (c: Buffer) => (out += c.toString()) });
    return { ...result, out };
  };
  /**
   * Refused logins of the password user in the host's sshd.log, as sshd logs them at LogLevel INFO:
   * "Failed password for …" for the password method; keyboard-interactive failures are logged at
   * DEBUG by sshd, but PAM's own "PAM: Authentication failure for …" is an error line.
   */
  const failedLogins = (host: string, method: 'password' | 'keyboard-interactive') => {
    const pattern = method === 'password' ? `Failed password for ${PASSWORD_USER} ` : `PAM: Authentication failure for ${PASSWORD_USER} `;
    return readFileSync(hostPaths(dir, host).sshdLog, 'utf8').split(pattern).length - 1;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-pw-'));
    fleet = await fleetUp({
      hosts: 3,
      dir,
      nodeExporter: false,
      firstIndex: FIRST_INDEX,
      haproxy: false,
      passwordUser: { 'host-1': ['password', 'keyboard-interactive'], 'host-2': ['keyboard-interactive'] },
    });
    if (!fleet.passwordUser) throw new Error('the fleet has no password user');
    password = fleet.passwordUser.password;
    hosts = fleetHosts(fleet.fleetFile);
  });
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });
  afterAll(async () => {
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the password answered to the question, and runs a command as that user', async () => {
    const { pool, questions } = setup((q) => (q.kind === 'password' ? password : null));
    expect(await run(pool, 'host-1', 'id -un; echo $FLEETDECK_HOST')).toEqual({ code: 0, signal: null, out: `${PASSWORD_USER}\nhost-1\n` });
    expect(questions).toEqual([{ id: 1, kind: 'password', host: 'host-1', user: PASSWORD_USER, remember: null }]);
    // The connection is pooled: the next command asks nothing.
    expect((await run(pool, 'host-1', 'echo again')).out).toBe('again\n');
    expect(questions).toHaveLength(1);
  });

  it('refuses a wrong password with a clear error, asks once, and does not retry on its own', async () => {
    const before = failedLogins('host-1', 'password');
    const beforeKbd = failedLogins('host-1', 'keyboard-interactive');
    const { pool, questions } = setup(() => 'not-the-password');
    const error = await pool.exec('host-1', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(new RegExp(`Could not log in to host-1 \\(127\\.0\\.135\\.1:2222\\) as ${PASSWORD_USER}: the server refused the password`));
    expect((error as Error).message).not.toContain('not-the-password');
    expect(questions).toHaveLength(1);
    // Later uses get the same error without asking (or trying the server) again.
    for (let i = 0; i < 3; i++) expect(await pool.exec('host-1', 'true').catch((e: unknown) => e)).toBe(error);
    await new Promise((r) => setTimeout(r, 1500));
    expect(questions).toHaveLength(1);
    expect(failedLogins('host-1', 'password') - before).toBe(1);
    // host-1 offers keyboard-interactive too: the same wrong password was not tried again that way.
    expect(failedLogins('host-1', 'keyboard-interactive') - beforeKbd).toBe(0);
  });

  it('asks again after retry(), and then the right password works', async () => {
    const answers = ['wrong', password];
    const { pool, questions } = setup(() => answers.shift() ?? null);
    await expect(pool.exec('host-1', 'true')).rejects.toBeInstanceOf(AuthError);
    pool.retry('host-1');
    expect((await run(pool, 'host-1', 'id -un')).out).toBe(`${PASSWORD_USER}\n`);
    expect(questions.map((q) => q.kind)).toEqual(['password', 'password']);
  });

  it('logs in by keyboard-interactive, asking each of the server\'s prompts once', async () => {
    const { pool, questions } = setup(() => password);
    expect((await run(pool, 'host-2', 'id -un; echo $FLEETDECK_HOST')).out).toBe(`${PASSWORD_USER}\nhost-2\n`);
    // One question, PAM's own prompt: no password asked first for a method host-2 does not offer.
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ kind: 'password', host: 'host-2' });
    expect(questions[0]?.kind === 'password' && questions[0].user).toMatch(new RegExp(`^${PASSWORD_USER} \\(Password:\\)$`));
  });

  it('refuses a wrong keyboard-interactive answer once, without a loop', async () => {
    const before = failedLogins('host-2', 'keyboard-interactive');
    const { pool, questions } = setup(() => 'wrong');
    const error = await pool.exec('host-2', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/the server refused the password \(keyboard-interactive\)/);
    expect(questions).toHaveLength(1);
    expect(await pool.exec('host-2', 'true').catch((e: unknown) => e)).toBe(error);
    expect(questions).toHaveLength(1);
    expect(failedLogins('host-2', 'keyboard-interactive') - before).toBe(1);
  });

  it('says the question was cancelled, not that the server refused, when no password is given', async () => {
    const { pool, questions } = setup(() => null);
    const error = await pool.exec('host-1', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/no password was given/);
    expect(questions).toHaveLength(1);
  });

  it('hangs up rather than send an empty answer when a keyboard-interactive prompt is cancelled', async () => {
    const before = failedLogins('host-2', 'keyboard-interactive');
    const { pool, questions } = setup(() => null);
    const error = await pool.exec('host-2', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).failure).toBe('cancelled');
    expect((error as Error).message).toMatch(/no password was given/);
    expect(questions).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(failedLogins('host-2', 'keyboard-interactive') - before).toBe(0);
  });

  it('asks nothing where the server offers no password method', async () => {
    const { pool, questions } = setup(() => password);
    const error = await pool.exec('host-3', 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(questions).toHaveLength(0);
  });

  it('still lets the fleet user in by key on the hosts that run PAM', async () => {
    const { pool, questions } = setup(() => null, { user: fleet.user });
    for (const host of ['host-1', 'host-2', 'host-3']) expect((await run(pool, host, 'id -un; echo $FLEETDECK_HOST')).out).toBe(`${fleet.user}\n${host}\n`);
    expect(questions).toHaveLength(0);
  });

  describe('remembered secrets', () => {
    const host1: SecretFor = { kind: 'password', user: PASSWORD_USER, address: '127.0.135.1', port: 2222 };
    const logCount = (host: string, text: string) => readFileSync(hostPaths(dir, host).sshdLog, 'utf8').split(text).length - 1;

    it('offers "remember", keeps the password the server took, and the next connection logs in with it unasked', async () => {
      const secrets = new MemorySecretStore();
      const first = setup(() => ({ value: password, remember: true }), { secrets });
      expect((await run(first.pool, 'host-1', 'id -un')).out).toBe(`${PASSWORD_USER}\n`);
      expect(first.questions).toEqual([{ id: 1, kind: 'password', host: 'host-1', user: PASSWORD_USER, remember: 'memory' }]);
      expect(await secrets.get(host1)).toBe(password);
      expect(secrets.size).toBe(1);
      // What went to the "renderer" (the questions) holds no secret.
      expect(JSON.stringify(first.questions)).not.toContain(password);

      const accepted = logCount('host-1', `Accepted password for ${PASSWORD_USER} `);
      const second = setup(() => null, { secrets });
      expect((await run(second.pool, 'host-1', 'id -un; echo $FLEETDECK_HOST')).out).toBe(`${PASSWORD_USER}\nhost-1\n`);
      expect(second.questions).toHaveLength(0);
      expect(logCount('host-1', `Accepted password for ${PASSWORD_USER} `) - accepted).toBe(1);
    });

    it('remembers nothing when "remember" is not ticked, nor a password the server refused', async () => {
      const secrets = new MemorySecretStore();
      const unticked = setup(() => ({ value: password, remember: false }), { secrets });
      expect((await run(unticked.pool, 'host-1', 'true')).code).toBe(0);
      const wrong = setup(() => ({ value: 'wrong', remember: true }), { secrets });
      await expect(wrong.pool.exec('host-1', 'true')).rejects.toBeInstanceOf(AuthError);
      expect(secrets.size).toBe(0);
    });

    it('forgets a remembered password the server refuses, asks once, and keeps the new one', async () => {
      const failed = failedLogins('host-1', 'password');
      const secrets = new MemorySecretStore();
      await secrets.set(host1, 'the-old-password');
      const { pool, questions } = setup(() => ({ value: password, remember: true }), { secrets });
      const messages: string[] = [];
      pool.onState((_host, _state, error) => error && messages.push(error.message));
      expect((await run(pool, 'host-1', 'id -un')).out).toBe(`${PASSWORD_USER}\n`);
      expect(questions).toHaveLength(1); // after the remembered one was refused, not before
      expect(await secrets.get(host1)).toBe(password);
      expect(failedLogins('host-1', 'password') - failed).toBe(1); // the old one, tried once
      expect(messages).toEqual([]);
    });

    it('forgets a refused one even when the user then gives none, and the error says so without the secret', async () => {
      const secrets = new MemorySecretStore();
      await secrets.set(host1, 'the-old-password');
      const { pool, questions } = setup(() => null, { secrets });
      const error = await pool.exec('host-1', 'true').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).failure).toBe('cancelled');
      expect((error as Error).message).toMatch(/no password was given/);
      expect((error as Error).message).not.toContain('the-old-password');
      expect(questions).toHaveLength(1);
      expect(await secrets.get(host1)).toBeNull();
      // And it stays forgotten: the host is not tried again with it.
      expect(await pool.exec('host-1', 'true').catch((e: unknown) => e)).toBe(error);
    });

    it('never sends a remembered password to a host whose key is not the known one', async () => {
      const wrong = join(dir, 'wrong_known_hosts');
      const otherKey = readFileSync(hostPaths(dir, 'host-2').hostKeyPub, 'utf8').split(' ').slice(0, 2).join(' ');
      writeFileSync(wrong, `[127.0.135.1]:2222 ${otherKey}\n`);
      const secrets = new MemorySecretStore();
      await secrets.set(host1, password);
      const failed = failedLogins('host-1', 'password');
      const accepted = logCount('host-1', `Accepted password for ${PASSWORD_USER} `);
      const { pool, questions } = setup(() => password, { secrets, change: (h) => ({ ...h, knownHosts: wrong }) });
      await expect(pool.exec('host-1', 'true')).rejects.toBeInstanceOf(HostKeyChangedError);
      expect(questions).toHaveLength(0);
      expect(failedLogins('host-1', 'password') - failed).toBe(0);
      expect(logCount('host-1', `Accepted password for ${PASSWORD_USER} `) - accepted).toBe(0);
      // Not refused by the server, so not forgotten.
      expect(await secrets.get(host1)).toBe(password);
    });

    it('uses a remembered passphrase of an encrypted identity file, and forgets one that no longer decrypts it', async () => {
      // The fleet's own key, encrypted (OpenSSH format, as ssh-keygen writes it by default).
      const identity = join(dir, 'id_encrypted');
      copyFileSync(fleet.identity, identity);
      chmodSync(identity, 0o600);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'the passphrase', '-f', identity]);
      const target: SecretFor = { kind: 'passphrase', file: identity };
      const secrets = new MemorySecretStore();
      await secrets.set(target, 'an old passphrase');
      const options = { user: fleet.user, secrets, change: (h: Host) => ({ ...h, identity }) };

      const first = setup(() => ({ value: 'the passphrase', remember: true }), options);
      expect((await run(first.pool, 'host-3', 'echo $FLEETDECK_HOST')).out).toBe('host-3\n');
      expect(first.questions).toEqual([{ id: 1, kind: 'passphrase', host: 'host-3', file: identity, remember: 'memory' }]);
      expect(await secrets.get(target)).toBe('the passphrase');

      const second = setup(() => null, options);
      expect((await run(second.pool, 'host-3', 'echo $FLEETDECK_HOST')).out).toBe('host-3\n');
      expect(second.questions).toHaveLength(0);
    });
  });
});
