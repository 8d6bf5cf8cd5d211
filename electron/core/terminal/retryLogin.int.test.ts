import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, PASSWORD_USER } from '../../../e2e/fleet/fleet';
import { SSH_PORT } from '../../../e2e/fleet/layout';
import { until } from '../../../e2e/until';
import type { RunEvent } from '../../../shared/contract/run';
import type { SshQuestion } from '../../../shared/contract/ssh';
import type { TerminalEvent } from '../../../shared/contract/terminal';
import { toDisposable } from '../../../shared/disposable';
import type { Host } from '../../../shared/fleet/model';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { runOnHosts } from '../run/runService';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import { QuestionBroker } from '../ssh/questions';
import { MemorySecretStore, type SecretStore } from '../ssh/secrets';
import { sshApi } from '../ssh/sshApi';
import type { StreamSink } from '../transport/coreApi';
import { recordingSink } from './recordingSink';
import { terminalApi } from './terminalApi';
import { TerminalService } from './terminalService';

// "Try again" after a refused login, through the terminal part of the API as the renderer uses it,
// against the test fleet's real sshd with PAM (127.0.138.x): host-1 lets the password user in by
// password. A refused password is remembered (the pool does not ask again on its own) until
// ssh.retry, or a run with `retry` (the Run view's "run again on the failed"). A remembered
// password is listed by what it unlocks (secrets.list) and, once forgotten, asked for again.

describe('trying a refused login again', () => {
  let dir: string;
  let password: string;
  let hosts: Map<string, Host>;
  const disposables: Array<{ dispose(): void }> = [];

  /**
   * The API over a pool (no agent, no key) for the password user; `answers` are typed in turn, a
   * `remember` one with "Remember" ticked.
   */
  const setup = (answers: Array<string | { remember: string }>, secrets: SecretStore | null = null) => {
    const questions = new QuestionBroker();
    const asked: SshQuestion[] = [];
    questions.subscribe((q) => {
      asked.push(q);
      const answer = answers.shift() ?? null;
      setTimeout(() => (typeof answer === 'object' && answer !== null ? questions.answer(q.id, answer.remember, true) : questions.answer(q.id, answer)), 10);
    });
    const pool = new SshPool({
      lookup: (n) => {
        const h = hosts.get(n);
        return h && { ...h, user: PASSWORD_USER, identity: null };
      },
      hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }),
      ask: questions.ask,
      secrets,
      agent: null,
      idleMs: 500,
    });
    const terminals = new TerminalService({ pool, recordingsDir: join(dir, 'recordings') });
    disposables.push(terminals, pool, questions);
    return { api: terminalApi({ terminals, recordingsDir: join(dir, 'recordings') }), ssh: sshApi({ pool, questions, secrets }), pool, asked };
  };
  /** Opens a terminal on host-1 and waits until it is up or has closed. */
  const open = async (api: ReturnType<typeof setup>['api']) => {
    const r = recordingSink();
    disposables.push(api.streams['terminal.open']({ host: 'host-1', cols: 80, rows: 24, record: false }, r.sink));
    const first = await until('the terminal to open or close', () => r.events.find((e) => e.kind !== 'output'));
    return { r, first };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-retry-'));
    const fleet = await fleetUp({ hosts: 1, dir, nodeExporter: false, firstIndex: (138 - 10) * 254, haproxy: false, passwordUser: { 'host-1': ['password'] } });
    if (!fleet.passwordUser) throw new Error('the fleet has no password user');
    password = fleet.passwordUser.password;
    hosts = fleetHosts(fleet.fleetFile);
  });
  afterEach(() => {
    for (const d of disposables.splice(0).reverse()) d.dispose();
  });
  afterAll(async () => {
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a terminal closed on a refused login; other uses ask nothing more until ssh.retry, a new terminal asks again', async () => {
    const { api, ssh, pool, asked } = setup(['not-the-password', 'still-not-it', password]);
    const refused = (await open(api)).first as Extract<TerminalEvent, { kind: 'closed' }>;
    expect(refused).toMatchObject({ kind: 'closed', error: true, loginRefused: true });
    expect(refused.reason).toContain('refused the password');
    expect(asked).toHaveLength(1);

    // A command (as a status poll or a run uses the host) fails at once, with the same reason, and asks nothing.
    await expect(pool.exec('host-1', 'true')).rejects.toThrow(refused.reason);
    expect(asked).toHaveLength(1);
    expect(await ssh.requests['ssh.retry']({ host: 'host-1' })).toBeNull();
    await expect(pool.exec('host-1', 'true')).rejects.toThrow('refused the password');
    expect(asked).toHaveLength(2);

    // The user opening a shell is asking for a new try: the refusal the command left is not in the way.
    const { r, first } = await open(api);
    expect(first.kind).toBe('opened');
    expect(asked.map((q) => q.kind)).toEqual(['password', 'password', 'password']);
    const session = (first as Extract<TerminalEvent, { kind: 'opened' }>).session;
    await api.requests['terminal.input']({ session, data: 'echo "I am $(id -un) on $FLEETDECK_HOST"\n' });
    await until('the shell to answer', () => {
      r.ackAll();
      return r.text().includes(`I am ${PASSWORD_USER} on host-1`);
    });
  });

  it('says a terminal that could not start for another reason was not a refused login', async () => {
    const { api } = setup([]);
    const r = recordingSink();
    disposables.push(api.streams['terminal.open']({ host: 'no-such-host', cols: 80, rows: 24, record: false }, r.sink));
    expect(await until('the terminal to close', () => r.events.find((e) => e.kind === 'closed'))).toMatchObject({ error: true, loginRefused: false });
  });

  it('asks again for the password of a refused host when a run is re-run with retry', async () => {
    const { pool, asked } = setup(['not-the-password', password]);
    const run = async (retry: boolean): Promise<RunEvent[]> => {
      const events: RunEvent[] = [];
      let ended = false;
      const sink: StreamSink<RunEvent> = { send: (e) => events.push(e), end: () => (ended = true), unacked: 0, onAck: () => toDisposable(() => undefined) };
      disposables.push(runOnHosts(pool, { hosts: ['host-1'], command: 'id -un', concurrency: 1, timeoutS: 30, retry }, sink));
      await until('the run to end', () => ended);
      return events;
    };
    expect((await run(false)).find((e) => e.kind === 'failed')).toMatchObject({ host: 'host-1', error: expect.stringContaining('refused the password') });
    // Without retry the refusal stands and nobody is asked.
    expect((await run(false)).find((e) => e.kind === 'failed')).toBeDefined();
    expect(asked).toHaveLength(1);
    const again = await run(true);
    expect(again.find((e) => e.kind === 'output' && e.stream === 'stdout')).toMatchObject({ data: `${PASSWORD_USER}\n` });
    expect(again.at(-1)).toEqual({ kind: 'done', ok: 1, failed: 0 });
    expect(asked).toHaveLength(2);
  });

  it('lists a remembered password by what it unlocks, and asks again once it is forgotten', async () => {
    const store = new MemorySecretStore();
    const first = setup([{ remember: password }], store);
    expect((await open(first.api)).first.kind).toBe('opened');
    const listed = await first.ssh.requests['secrets.list']({});
    const address = hosts.get('host-1')!.address;
    const label = `${PASSWORD_USER}@${address}:${SSH_PORT}`;
    expect(listed).toEqual({ keeping: 'memory', secrets: [{ key: `password ${label}`, kind: 'password', label }] });
    expect(JSON.stringify(listed)).not.toContain(password);

    // The next console session's pool (same store) logs in without asking.
    const second = setup([], store);
    expect((await open(second.api)).first.kind).toBe('opened');
    expect(second.asked).toEqual([]);

    expect(await second.ssh.requests['secrets.forget']({ key: listed.secrets[0]!.key })).toBeNull();
    expect((await second.ssh.requests['secrets.list']({})).secrets).toEqual([]);
    const third = setup([password], store);
    expect((await open(third.api)).first.kind).toBe('opened');
    expect(third.asked.map((q) => q.kind)).toEqual(['password']);
  });
});
