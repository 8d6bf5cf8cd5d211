import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, freezeDaemon } from '../../../e2e/fleet/fleet';
import { until } from '../../../e2e/until';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import { recordingSink, type RecordingSink } from './recordingSink';
import { HIGH_WATER, TerminalService } from './terminalService';

// Shells on the test fleet's real sshd (127.0.71.x): output as whole UTF-8 batches, flow control
// that pauses the SSH channel while the renderer has not acknowledged enough, and a host that
// stops answering.

describe('TerminalService', () => {
  let dir: string;
  let pool: SshPool;
  let terminals: TerminalService;
  let poolOptions: ConstructorParameters<typeof SshPool>[0];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-terminal-'));
    const fleet = await fleetUp({ hosts: 2, dir, nodeExporter: false, firstIndex: (71 - 10) * 254, haproxy: false });
    const hosts = fleetHosts(fleet.fleetFile);
    const hostKeys = new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') });
    poolOptions = { lookup: (n) => hosts.get(n), hostKeys, agent: null, idleMs: 500 };
    pool = new SshPool(poolOptions);
    terminals = new TerminalService({ pool, recordingsDir: join(dir, 'recordings') });
  });
  afterAll(async () => {
    terminals.dispose();
    pool.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends output as bytes in batches that each end on a whole UTF-8 character', async () => {
    const r = recordingSink();
    const shell = terminals.open('host-1', { cols: 80, rows: 24 }, r.sink);
    await until('the shell', () => r.events.some((e) => e.kind === 'opened'));
    const session = (r.events.find((e) => e.kind === 'opened') as { session: string }).session;
    // 300,000 three-byte characters, far more than one batch, without a newline to split on.
    // (The € written as octal, so the echoed command line has none.)
    terminals.input(session, `printf '\\342\\202\\254%.0s' $(seq 300000); echo; echo DO""NE\n`);
    await until('the output', () => {
      r.ackAll();
      return r.text().includes('DONE');
    }, 30_000);
    expect(r.output().length).toBeGreaterThan(3);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const batch of r.output()) expect(() => strict.decode(batch)).not.toThrow();
    expect(r.text().match(/€/g)?.length).toBe(300_000);
    shell.dispose();
  });

  it('pauses the channel while the renderer has not acknowledged enough, and resumes on acknowledgement', async () => {
    const r = recordingSink();
    const shell = terminals.open('host-1', { cols: 80, rows: 24 }, r.sink);
    await until('the shell', () => r.events.some((e) => e.kind === 'opened'));
    const session = (r.events.find((e) => e.kind === 'opened') as { session: string }).session;
    terminals.input(session, 'yes flood | head -c 50000000; echo DO""NE\n');
    await until('the output to stall', () => r.bytes() > HIGH_WATER, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stalled = r.bytes();
    // One batch may go past the mark before the pause takes effect; nothing more comes without acks.
    expect(stalled).toBeLessThan(HIGH_WATER + 512 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.bytes()).toBe(stalled);
    r.ackAll();
    await until('more output after the acknowledgement', () => r.bytes() > stalled + HIGH_WATER / 2, 10_000);
    terminals.input(session, '\x03');
    shell.dispose();
  });

  it('ends the shell of a host that stops answering once its keepalives go unanswered, saying so; a shell on another host goes on', async () => {
    // Keepalives every 300 ms instead of 15 s, so three go unanswered in about a second.
    const quick = new SshPool({ ...poolOptions, keepaliveMs: 300 });
    const service = new TerminalService({ pool: quick, recordingsDir: join(dir, 'recordings') });
    const opened = async (r: RecordingSink): Promise<string> => {
      await until('the shell', () => r.events.some((e) => e.kind === 'opened' || e.kind === 'closed'));
      const event = r.events.find((e) => e.kind === 'opened');
      if (!event) throw new Error(`the shell did not open: ${JSON.stringify(r.events)}`);
      return event.session;
    };
    const [frozen, other] = [recordingSink(), recordingSink()];
    const shells = [service.open('host-1', { cols: 80, rows: 24 }, frozen.sink), service.open('host-2', { cols: 80, rows: 24 }, other.sink)];
    await opened(frozen);
    const otherSession = await opened(other);
    freezeDaemon(dir, 'host-1', 'sshd', true);
    try {
      await until('the frozen host\'s shell to end', () => frozen.events.some((e) => e.kind === 'closed'), 15_000);
      expect(frozen.events.at(-1)).toMatchObject({
        kind: 'closed',
        error: true,
        loginRefused: false,
        reason: expect.stringMatching(/host-1 stopped answering/),
      });
      service.input(otherSession, 'echo "still on $FLEETDECK_HOST"\n');
      await until('the other host to answer', () => {
        other.ackAll();
        return other.text().includes('still on host-2');
      });
      expect(other.events.some((e) => e.kind === 'closed')).toBe(false);
    } finally {
      freezeDaemon(dir, 'host-1', 'sshd', false);
    }
    // Once it answers again, a new shell opens on a new connection.
    const again = recordingSink();
    shells.push(service.open('host-1', { cols: 80, rows: 24 }, again.sink));
    const session = await opened(again);
    service.input(session, 'echo "back on $FLEETDECK_HOST"\n');
    await until('host-1 to answer again', () => {
      again.ackAll();
      return again.text().includes('back on host-1');
    });
    for (const shell of shells) shell.dispose();
    service.dispose();
    quick.dispose();
  });
});
