// The "fleetdeck" engine: the real StatusService from electron/status. (Placeholder until the
// status service lands.)
import type { ResolvedFleet } from '../../shared/fleet/resolve';
import type { ChildConfig, ChildCounters, ChildSummary } from './pollProtocol';
import { newCounters } from './pollCounters';

export class FleetdeckEngine {
  constructor(
    private readonly config: ChildConfig,
    private readonly fleet: ResolvedFleet,
  ) {}

  start(): void {
    throw new Error(`the status service (electron/status) has not landed yet; use --engine raw (${this.config.hosts} hosts, ${this.fleet.hosts.length} in the file)`);
  }

  snapshot(): ChildCounters {
    return newCounters();
  }

  summary(_sinceMs: number): ChildSummary {
    throw new Error('not started');
  }

  async stop(): Promise<void> {}
}
