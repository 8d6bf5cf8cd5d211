import type { FleetOptions } from './fleet/fleet';

// The fleet the Playwright specs run against (global-setup.ts starts it; a spec that stops one of
// its daemons brings it back with the same options). 127.0.30.x by default, clear of the demo
// fleet (127.0.10.x) and the integration tests'; FLEETDECK_E2E_OCTET moves it (e.g. 130 →
// 127.0.130.x) so two checkouts can run side by side. Polled every 2 s so changes show quickly.
export function e2eFleetOptions(dir: string): FleetOptions {
  const octet = Number(process.env.FLEETDECK_E2E_OCTET ?? 30);
  return { hosts: 3, dir, nodeExporter: true, firstIndex: (octet - 10) * 254, interval: '2s', sampleApp: true };
}
