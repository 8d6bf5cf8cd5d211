import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDown, fleetUp, stopDaemon, type RunningFleet } from '../../../e2e/fleet/fleet';
import { until } from '../../../e2e/until';
import { FleetService } from '../inventory/fleetService';
import { StatusService } from './statusService';

// The lb role: the test fleet's HAProxy (Debian's) in front of the production app host, whose
// backend state shows on the lb and on the app host itself. Addresses 127.0.41.x.


describe('HAProxy as a status source', () => {
  let dir: string;
  let fleet: RunningFleet;
  let fleetService: FleetService;
  let status: StatusService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-haproxy-'));
    fleet = await fleetUp({ hosts: 3, dir, firstIndex: 7874 });
    const file = join(dir, 'fast.yaml');
    writeFileSync(file, readFileSync(fleet.fleetFile, 'utf8').replace('defaults:\n', 'defaults:\n  interval: 1s\n'));
    fleetService = new FleetService(file);
    status = new StatusService({ fleet: fleetService, flushMs: 100 });
  });

  afterAll(async () => {
    status?.dispose();
    fleetService?.dispose();
    await fleetDown(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has an lb in front of the production app host', () => {
    expect(fleet.lb).toMatchObject({ host: { name: 'host-2' }, backends: ['host-3'] });
  });

  it("shows each backend server's state on the lb and on the server's own host", async () => {
    const lbCheck = await until('the lb check', () => status.host('host-2')?.checks.find((c) => c.id === 'haproxy:app/host-3' && c.state === 'OK'));
    expect(lbCheck.reason).toMatch(/app\/host-3 .*UP/);
    expect(status.host('host-2')?.checks.find((c) => c.id === 'haproxy:endpoint')?.reason).toMatch(/answered with 1 server\b/);
    const own = await until("host-3's own view", () => status.host('host-3')?.checks.find((c) => c.id === 'haproxy:host-2:app/host-3'));
    expect(own.state).toBe('OK');
  });

  it('marks the app host when HAProxy takes it out, and back when it returns', async () => {
    await stopDaemon(dir, 'host-3', 'node_exporter');
    const down = await until('HAProxy to mark host-3 DOWN', () => status.host('host-3')?.checks.find((c) => c.id === 'haproxy:host-2:app/host-3' && c.state === 'CRITICAL'));
    expect(down.reason).toMatch(/host-2 has app\/host-3 DOWN/);
    expect(status.host('host-2')?.checks.find((c) => c.id === 'haproxy:app/host-3')?.state).toBe('CRITICAL');
    await fleetUp({ hosts: 3, dir, firstIndex: 7874 });
    await until('HAProxy to mark host-3 UP again', () => status.host('host-3')?.checks.find((c) => c.id === 'haproxy:host-2:app/host-3' && c.state === 'OK'), 60_000);
  });
});
