import type { HostReport } from './history';
import { planWaves, type WaveSpec } from './waves';

// A rollback's plan, computed once in the core from what the hosts say: exactly the hosts that
// move (those not on the release already), per stage in the app's stage order and per wave within
// each stage, with the release each one leaves and the one it goes to. The confirmation shows this
// plan and the run follows it; the start request names the plan by its fingerprint, so a fleet
// that changed in between is refused rather than run on a plan nobody saw.

export interface PlannedHost {
  host: string;
  /** The release the host runs now (null: none). */
  from: string | null;
  to: string;
}

export interface PlannedWave {
  /** The stage these hosts are in (null: an app without stages). */
  stage: string | null;
  hosts: PlannedHost[];
}

export interface RollbackPlanBody {
  app: string;
  release: string;
  /** The one stage asked for (null: every stage of the app, or an app without stages). */
  stage: string | null;
  waves: PlannedWave[];
  /** Hosts of the app that already run the release: the rollback does not touch them. */
  unchanged: string[];
}

export interface RollbackPlanInput {
  app: string;
  release: string;
  stage: string | null;
  /** The app's stages in deploy order (null: it has none). */
  stages: readonly string[] | null;
  /** The app's hosts the rollback may reach, with the environment each one is in. */
  hosts: ReadonlyArray<{ name: string; environment: string }>;
  reports: readonly HostReport[];
  waves: readonly WaveSpec[];
}

/** The plan, or why there is none (a host that cannot be read, a release missing on a host, nothing to do). */
export function planRollback(o: RollbackPlanInput): RollbackPlanBody | { problem: string } {
  const reportOf = new Map(o.reports.map((r) => [r.host, r]));
  const unread = o.hosts.filter((h) => reportOf.get(h.name)?.error !== null);
  if (unread.length > 0) return { problem: `Cannot plan the rollback: ${unread.map((h) => `${h.name} (${reportOf.get(h.name)?.error ?? 'not asked'})`).join(', ')} could not be read. Nothing was changed.` };
  const moving = o.hosts.filter((h) => reportOf.get(h.name)!.current !== o.release);
  const missing = moving.filter((h) => !reportOf.get(h.name)!.releases.includes(o.release));
  const archived = missing.filter((h) => reportOf.get(h.name)!.archived?.includes(o.release));
  if (archived.length > 0) return { problem: `Release ${o.release} was rolled back from and archived on ${archived.map((h) => h.name).join(', ')} (rolled-back-release-${o.release}.tar.gz, as Capistrano's rollback leaves it), so it is no longer there to switch to. Deploy its ref again to go forward.` };
  if (missing.length > 0) return { problem: `Release ${o.release} is not on ${missing.map((h) => `${h.name} (it has ${reportOf.get(h.name)!.releases.join(', ') || 'none'})`).join(', ')}; a rollback only goes to a release every host it moves still has.` };
  if (moving.length === 0) return { problem: `Every host${o.stage ? ` in ${o.stage}` : ''} already runs ${o.release}; there is nothing to roll back.` };
  // Stage by stage in the app's order (staging's canary first), then the waves within each stage.
  const groups: Array<[string | null, string[]]> =
    o.stages && o.stage === null
      ? o.stages.map((s) => [s, moving.filter((h) => h.environment === s).map((h) => h.name)])
      : [[o.stage, moving.map((h) => h.name)]];
  const waves = groups.flatMap(([stage, names]) =>
    planWaves(names, o.waves).map((wave) => ({
      stage,
      hosts: wave.map((host) => ({ host, from: reportOf.get(host)!.current, to: o.release })),
    })),
  );
  const unchanged = o.hosts.filter((h) => !moving.includes(h)).map((h) => h.name);
  return { app: o.app, release: o.release, stage: o.stage, waves, unchanged };
}

/** Every host the plan moves, in the order the run reaches them. */
export function plannedHosts(plan: Pick<RollbackPlanBody, 'waves'>): string[] {
  return plan.waves.flatMap((w) => w.hosts.map((h) => h.host));
}
