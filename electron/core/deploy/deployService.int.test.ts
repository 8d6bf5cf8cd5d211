import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import type { DeployEventMessage } from '../../../shared/contract/deploy';
import { HistoryStore } from '../history/historyStore';
import { FleetService } from '../inventory/fleetService';
import { HostKeyStore } from '../ssh/hostKeys';
import { SshPool } from '../ssh/pool';
import { StatusService } from '../status/statusService';
import { DeployRecords } from './deployRecords';
import { DeployService } from './deployService';
import { runWatched } from '../../../e2e/testbeds/deployServiceBed';
import { nextSecond } from '../../../e2e/testbeds/deployTestBed';

// The DeployService as the console runs it, on the test fleet's own fleet file (app "shop" on
// host-1 in staging and host-3 in production, 127.0.122.x): records in SQLite, the webhook told
// at start and end, each restarted host gated on its own status checks (real Monit), and a
// deploy watched again after it ended.

describe('deploy service', () => {
  let dir: string;
  let fleet: RunningFleet;
  let pool: SshPool;
  let fleetService: FleetService;
  let status: StatusService;
  let history: HistoryStore;
  let records: DeployRecords;
  let deploys: DeployService;
  let hook: Server;
  const told: string[] = [];
  const options = () => ({ hosts: 3, dir, nodeExporter: false, firstIndex: (122 - 10) * 254, haproxy: false, sampleApp: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-deploysvc-'));
    fleet = await fleetUp(options());
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        told.push((JSON.parse(body) as { text: string }).text);
        res.writeHead(req.url === '/hook' ? 200 : 500).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    setWebhook('/hook');
    fleetService = new FleetService(fleet.fleetFile);
    if (fleetService.current.problem) throw new Error(fleetService.current.problem.message);
    pool = new SshPool({ lookup: (n) => fleetService.current.hosts.find((h) => h.name === n), hostKeys: new HostKeyStore({ userKnownHosts: null, storeFile: join(dir, 'store') }), agent: null });
    status = new StatusService({ fleet: fleetService, flushMs: 100 });
    mkdirSync(join(dir, 'data'));
    history = await HistoryStore.open(join(dir, 'data'));
    records = new DeployRecords(history.db);
    deploys = new DeployService({ pool, fleet: fleetService, records, status });
  });
  afterAll(async () => {
    deploys?.dispose();
    status?.dispose();
    pool?.dispose();
    history?.dispose();
    fleetService?.dispose();
    hook?.close();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The fleet file (which fleetUp writes anew) with the app's webhook at this path of our server. */
  const setWebhook = (path: string): void => {
    const port = (hook.address() as AddressInfo).port;
    writeFileSync(fleet.fleetFile, readFileSync(fleet.fleetFile, 'utf8').replace('    keep_releases: 3\n', `    keep_releases: 3\n    notify: { webhook: "http://127.0.0.1:${port}${path}" }\n`));
    fleetService?.reload();
  };
  const run = (params: Parameters<DeployService['start']>[0]): Promise<DeployEventMessage[]> => runWatched(deploys, params);
  const done = (events: DeployEventMessage[]) => events.find((e) => e.type === 'done') as Extract<DeployEventMessage, { type: 'done' }>;
  const appDir = (h: number) => join(fleet.hosts[h]!.dir, 'home', 'apps', 'shop');

  it('records the deploy, tells the webhook at start and end, and can be watched again after it ended', async () => {
    const events = await run({ app: 'shop', ref: 'v2', takeOver: false });
    const end = done(events);
    expect(end.outcome).toBe('succeeded');
    expect(events[0]).toMatchObject({ type: 'started', kind: 'deploy', hosts: ['host-1', 'host-3'] });
    const [record] = records.list('shop');
    expect(record).toMatchObject({ release: end.release, outcome: 'succeeded', kind: 'deploy', ref: 'v2', previous: { 'host-1': null, 'host-3': null } });
    expect(record!.steps.some((s) => s.host === 'host-3' && s.step === 'health' && s.state === 'ok')).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(told).toHaveLength(2);
    expect(told[0]).toMatch(new RegExp(`^Deploy of shop ${end.release} started by .+@.+ on 2 hosts\\.$`));
    expect(told[1]).toMatch(new RegExp(`^Deploy of shop ${end.release}: succeeded\\. shop ${end.release} \\(v2 [0-9a-f]{7}\\) is live on 2 hosts\\.$`));
    // A window that comes back after the end still sees the whole deploy.
    const again: DeployEventMessage[] = [];
    const id = (events[0] as { id: number }).id;
    await new Promise<void>((resolve) => deploys.watch(id, (e) => again.push(e), resolve));
    expect(again).toEqual(events);
    await expect(deploys.start({ app: 'nope', takeOver: false })).rejects.toThrow(/There is no app "nope"/);
  });

  it("a restarted host whose own status checks fail does not pass the gate: the canary goes back", async () => {
    await nextSecond();
    const good = readlinkSync(join(appDir(0), 'current'));
    await stopDaemon(dir, 'host-1', 'monit');
    try {
      const events = await run({ app: 'shop', ref: 'v4', takeOver: false });
      const end = done(events);
      expect(end.outcome).toBe('rolled back');
      expect(end.message).toMatch(/health of host-1 failed: .*its status checks say .*monit/i);
      expect(end.message).toMatch(/1 switched host went back to its previous release/);
      expect(readlinkSync(join(appDir(0), 'current'))).toBe(good);
      // host-3, in production, was never touched.
      expect(events.some((e) => e.type === 'step' && e.host === 'host-3' && e.step === 'switch')).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(told.at(-1)).toMatch(/: rolled back\. Wave 1 failed/);
    } finally {
      await fleetUp(options());
    }
  });

  it('a webhook that fails never fails the deploy; the deploy says why it was not told', async () => {
    await nextSecond();
    setWebhook('/broken');
    const events = await run({ app: 'shop', ref: 'v4', takeOver: false });
    expect(done(events).outcome).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 300));
    const id = (events[0] as { id: number }).id;
    const all: DeployEventMessage[] = [];
    await new Promise<void>((resolve) => deploys.watch(id, (e) => all.push(e), resolve));
    expect(all.filter((e) => e.type === 'note').map((e) => (e as { message: string }).message)).toContainEqual(expect.stringMatching(/The webhook was not told: .*answered 500/));
  });
});
