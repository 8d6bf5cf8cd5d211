import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp } from '../../e2e/fleet/fleet';
import { until } from '../../e2e/until';
import { fleetHosts } from '../../e2e/fleet/fleetHosts';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import { recordingSink } from './recordingSink';
import { HIGH_WATER, TerminalService } from './terminalService';

// Shells on the test fleet's real sshd (127.0.71.x): output as whole UTF-8 batches, and flow
// control that pauses the SSH channel while the renderer has not acknowledged enough.

describe('TerminalService', () => {
  let dir: string;
  let pool: SshPool;
  let terminals: TerminalService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-terminal-'));
    const fleet = await fleetUp({ hosts: 1, dir, nodeExporter: false, firstIndex: (71 - 10) * 254, haproxy: false });
    const hosts = fleetHosts(fleet.fleetFile);
    pool = new SshPool({ lookup: (n) => hosts.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null, idleMs: 500 });
    terminals = new TerminalService(pool, join(dir, 'recordings'));
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
});
