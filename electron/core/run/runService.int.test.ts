import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import { until } from '../../../e2e/until';
import type { RunEvent, TailEvent } from '../../../shared/contract/run';
import { fleetHosts } from '../../../e2e/fleet/fleetHosts';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import type { StreamSink } from '../transport/coreApi';
import { runOnHosts, tailOnHosts } from './runService';

// Commands and tails on the test fleet's real sshd (127.0.105.x).

function collect<E>(): { sink: StreamSink<E>; events: E[]; ended: () => boolean } {
  const events: E[] = [];
  let ended = false;
  return {
    events,
    ended: () => ended,
    sink: { send: (e) => void events.push(e), end: () => void (ended = true), unacked: 0, onAck: () => ({ dispose: () => undefined }) },
  };
}

describe('run and tail on many hosts', () => {
  let dir: string;
  let fleet: RunningFleet;
  let pool: SshPool;
  const options = () => ({ hosts: 3, dir, nodeExporter: false, firstIndex: 24130, haproxy: false });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-run-'));
    fleet = await fleetUp(options());
    const hosts = fleetHosts(fleet.fleetFile);
    pool = new SshPool({ lookup: (n) => hosts.get(n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null });
  });
  afterAll(async () => {
    pool?.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a command on every host and gives each host's output and exit code", async () => {
    const c = collect<RunEvent>();
    runOnHosts(pool, { hosts: ['host-1', 'host-2', 'host-3'], command: 'echo "on $FLEETDECK_HOST"; echo oops >&2; exit 3', concurrency: 2, timeoutS: 30 }, c.sink);
    await until('the run to end', () => c.ended());
    for (const host of ['host-1', 'host-2', 'host-3']) {
      const out = c.events.filter((e): e is Extract<RunEvent, { kind: 'output' }> => e.kind === 'output' && e.host === host);
      expect(out.filter((e) => e.stream === 'stdout').map((e) => e.data).join('')).toBe(`on ${host}\n`);
      expect(out.filter((e) => e.stream === 'stderr').map((e) => e.data).join('')).toBe('oops\n');
      expect(c.events.find((e) => e.kind === 'finished' && e.host === host)).toMatchObject({ code: 3 });
    }
    expect(c.events.at(-1)).toEqual({ kind: 'done', ok: 0, failed: 3 });
  });

  it('fails only the host whose sshd is down, with the reason', async () => {
    await stopDaemon(dir, 'host-2', 'sshd');
    try {
      const c = collect<RunEvent>();
      runOnHosts(pool, { hosts: ['host-1', 'host-2', 'host-3'], command: 'true', concurrency: 10, timeoutS: 30 }, c.sink);
      await until('the run to end', () => c.ended());
      const failures = c.events.filter((e) => e.kind === 'failed');
      expect(failures, JSON.stringify(failures)).toMatchObject([{ host: 'host-2', error: expect.stringMatching(/Cannot reach host-2 .*refused/) }]);
      expect(c.events.at(-1)).toEqual({ kind: 'done', ok: 2, failed: 1 });
    } finally {
      await fleetUp(options());
      pool.retry('host-2');
    }
  });

  it('stops the commands when the run is closed', async () => {
    const c = collect<RunEvent>();
    const run = runOnHosts(pool, { hosts: ['host-1'], command: 'echo started; sleep 30', concurrency: 1, timeoutS: 60 }, c.sink);
    await until('output', () => c.events.some((e) => e.kind === 'output'));
    run.dispose();
    await until('the command to be stopped', () => c.events.some((e) => e.kind === 'failed'));
    expect(c.events.find((e) => e.kind === 'failed')).toMatchObject({ host: 'host-1', error: expect.stringMatching(/stopped/) });
  });

  it('tails a log on every host, lines prefixed by their host, and stops when closed', async () => {
    const files = fleet.hosts.map((h) => join(h.dir, 'home', 'app.log'));
    files.forEach((f, i) => writeFileSync(f, `old line ${i}\n`));
    const c = collect<TailEvent>();
    const tail = tailOnHosts(pool, { hosts: ['host-1', 'host-2', 'host-3'], path: '~/app.log', lines: 5 }, c.sink);
    const lines = (host: string) => c.events.flatMap((e) => (e.kind === 'lines' && e.host === host ? e.lines : []));
    await until('the old lines', () => ['host-1', 'host-2', 'host-3'].every((h) => lines(h).length > 0));
    files.forEach((f, i) => appendFileSync(f, `new line from host-${i + 1}\n`));
    await until('the new lines', () => ['host-1', 'host-2', 'host-3'].every((h) => lines(h).includes(`new line from ${h}`)));
    expect(lines('host-2')).toEqual(['old line 1', 'new line from host-2']);
    tail.dispose();
  });
});
