import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, setPrivateLink } from '../../../e2e/fleet/fleet';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { until, untilAsync } from '../../../e2e/until';
import type { RunEvent } from '../../../shared/contract/run';
import { runOnHosts } from '../run/runService';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import type { StreamSink } from '../transport/coreApi';
import { recordingSink, type RecordingSink } from './recordingSink';
import { TerminalService } from './terminalService';

// Shells and commands on a private host whose link goes down (the test fleet's private network,
// root only): priv-1 behind bastion-1, host-1 on loopback (127.0.191.1). Cut off, priv-1's shell
// ends saying why, naming the host and the bastion, and a command on it fails within the run's
// timeout, while host-1 goes on; once the link is back, both work again.

const FIRST_INDEX = (191 - 10) * 254;

function collect<E>(): { sink: StreamSink<E>; events: E[]; ended: () => boolean } {
  const events: E[] = [];
  let ended = false;
  const sink: StreamSink<E> = { send: (e) => void events.push(e), end: () => void (ended = true), unacked: 0, onAck: () => ({ dispose: () => undefined }) };
  return { events, ended: () => ended, sink };
}

describe('a terminal and a command on a private host when its link goes down', () => {
  let dir: string;
  let poolOptions: ConstructorParameters<typeof SshPool>[0];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-partition-'));
    const options = { hosts: 1, dir, privateHosts: 1, firstIndex: FIRST_INDEX, haproxy: false, nodeExporter: false };
    const fleet = await fleetUp(options).catch(async (error: unknown) => {
      await fleetDown(dir);
      throw error;
    });
    const hosts = fleetHosts(fleet.fleetFile);
    poolOptions = { lookup: (n) => hosts.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null };
  });
  afterAll(async () => {
    try {
      setPrivateLink(dir, 'private', true);
    } catch {
      // the fleet never came up
    }
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The shell's session once it opened; throws with the events if it closed instead. */
  const opened = async (r: RecordingSink): Promise<string> => {
    await until('the shell', () => r.events.some((e) => e.kind === 'opened' || e.kind === 'closed'));
    const event = r.events.find((e) => e.kind === 'opened');
    if (!event) throw new Error(`the shell did not open: ${JSON.stringify(r.events)}`);
    return event.session;
  };
  const answers = (terminals: TerminalService, r: RecordingSink, session: string, word: string) => {
    terminals.input(session, `echo "${word} on $FLEETDECK_HOST"\n`);
    return until(`${word} in the shell`, () => {
      r.ackAll();
      return r.text().includes(`${word} on `);
    });
  };

  it("ends priv-1's shell naming priv-1 and bastion-1 when its link goes down; host-1's shell goes on; a new shell opens once the link is back", async () => {
    // Keepalives every second instead of 15 s, so three go unanswered in a few seconds.
    const pool = new SshPool({ ...poolOptions, keepaliveMs: 1000 });
    const terminals = new TerminalService({ pool, recordingsDir: join(dir, 'recordings') });
    const [cut, other] = [recordingSink(), recordingSink()];
    const shells = [terminals.open('priv-1', { cols: 80, rows: 24 }, cut.sink), terminals.open('host-1', { cols: 80, rows: 24 }, other.sink)];
    try {
      await answers(terminals, cut, await opened(cut), 'before');
      const otherSession = await opened(other);
      setPrivateLink(dir, 'private', false);
      try {
        await until("priv-1's shell to end", () => cut.events.some((e) => e.kind === 'closed'));
        expect(cut.events.at(-1)).toMatchObject({ kind: 'closed', error: true, loginRefused: false });
        const reason = (cut.events.at(-1) as { reason: string }).reason;
        expect(reason).toMatch(/priv-1 stopped answering/);
        expect(reason).toMatch(/bastion-1/);
        await answers(terminals, other, otherSession, 'still');
        expect(other.events.some((e) => e.kind === 'closed')).toBe(false);
      } finally {
        setPrivateLink(dir, 'private', true);
      }
      const again = recordingSink();
      shells.push(terminals.open('priv-1', { cols: 80, rows: 24 }, again.sink));
      await answers(terminals, again, await opened(again), 'back');
    } finally {
      for (const shell of shells) shell.dispose();
      terminals.dispose();
      pool.dispose();
    }
  });

  it("fails a command on priv-1 within the run's timeout, and a new shell within the handshake's, when its link goes down, naming priv-1 and bastion-1; host-1's command finishes; both work again once the link is back", async () => {
    // The console's own keepalive (15 s): the run's timeout and the handshake's (4 s here, 20 s in
    // the console), not the keepalive, bound the wait on a connection that was cut off unseen.
    const pool = new SshPool({ ...poolOptions, readyTimeoutMs: 4000 });
    const terminals = new TerminalService({ pool, recordingsDir: join(dir, 'recordings') });
    const hosts = ['host-1', 'priv-1'];
    try {
      const warm = collect<RunEvent>();
      runOnHosts(pool, { hosts, command: 'true', concurrency: 2, timeoutS: 30 }, warm.sink);
      await until('the first run to end', () => warm.ended());
      expect(warm.events.at(-1)).toEqual({ kind: 'done', ok: 2, failed: 0 });

      setPrivateLink(dir, 'private', false);
      try {
        // The connection to priv-1 is still open, and nothing has told it the link is gone.
        const c = collect<RunEvent>();
        runOnHosts(pool, { hosts, command: 'echo "on $FLEETDECK_HOST"', concurrency: 2, timeoutS: 3 }, c.sink);
        await until('the run to end', () => c.ended(), 40_000);
        expect(c.events.find((e) => e.kind === 'finished')).toMatchObject({ host: 'host-1', code: 0 });
        const failed = c.events.find((e) => e.kind === 'failed');
        expect(failed).toMatchObject({ host: 'priv-1' });
        expect((failed as { error: string }).error).toMatch(/priv-1 \(198\.18\.0\.1:2222, through bastion-1\) did not answer within 3 s/);
        expect(c.events.at(-1)).toEqual({ kind: 'done', ok: 1, failed: 1 });
        const shell = recordingSink();
        terminals.open('priv-1', { cols: 80, rows: 24 }, shell.sink);
        await until('the shell to give up', () => shell.events.some((e) => e.kind === 'closed'), 40_000);
        expect(shell.events).toEqual([{ kind: 'closed', error: true, loginRefused: false, reason: expect.stringMatching(/^priv-1 \(198\.18\.0\.1:2222, through bastion-1\) did not answer within 4 s, so the shell did not open/) }]);
      } finally {
        setPrivateLink(dir, 'private', true);
      }
      await untilAsync('a command on priv-1 again', () => pool.exec('priv-1', 'true', { timeoutMs: 5000 }).then((r) => r.code === 0), 90_000);
      const again = recordingSink();
      terminals.open('priv-1', { cols: 80, rows: 24 }, again.sink);
      await answers(terminals, again, await opened(again), 'back');
    } finally {
      terminals.dispose();
      pool.dispose();
    }
  }, 150_000);
});
