import { drift, type HostReport } from './history';

// Staged deploys (an app's `stages`, in deploy order: staging before production): which stage a
// host is in, which stage comes next, and what each stage can promote — the release a succeeded
// deploy put on every host of the stage, shipped again (same release id, same revision) to the
// next stage.

/** The stage after `stage` in the app's order; null after the last one or for one it does not name. */
export function nextStage(stages: readonly string[], stage: string): string | null {
  const at = stages.indexOf(stage);
  return at < 0 ? null : (stages[at + 1] ?? null);
}

/** Why an app cannot deploy to `stage`, or null when it is one of its stages. */
export function stageProblem(app: string, stages: readonly string[] | undefined, stage: string): string | null {
  if (!stages) return `App "${app}" has no stages; leave the stage out to deploy to all its hosts.`;
  return stages.includes(stage) ? null : `"${stage}" is not a stage of app "${app}"; its stages are ${stages.join(', ')}.`;
}

/** Each stage's hosts, in the app's stage order (hosts in no stage are left out). */
export function hostsByStage(stages: readonly string[], hosts: ReadonlyArray<{ name: string; environment: string }>): Map<string, string[]> {
  return new Map(stages.map((stage) => [stage, hosts.filter((h) => h.environment === stage).map((h) => h.name)]));
}

/** What the console recorded of a deploy, as far as promoting it goes. */
export interface PromotableRecord {
  id: number;
  kind: 'deploy' | 'rollback' | 'undo';
  release: string;
  outcome: string | null;
  stage: string | null;
  revision: string | null;
}

export interface StageState<R extends PromotableRecord = PromotableRecord> {
  stage: string;
  hosts: string[];
  /** The releases its hosts run now (one, unless a deploy is half done or the hosts drifted). */
  running: string[];
  /** The deploy to promote to the next stage, when there is one to make. */
  promote: { record: R; to: string } | null;
}

/**
 * Per stage, what its hosts run, and what it can promote: the newest deploy that succeeded on the
 * stage whose release every host of the stage runs now, unless the next stage already runs it
 * everywhere. Records without a revision (older consoles) are not promotable.
 */
export function stageStates<R extends PromotableRecord>(
  stages: readonly string[],
  byStage: ReadonlyMap<string, readonly string[]>,
  reports: readonly HostReport[],
  records: readonly R[],
): StageState<R>[] {
  const currentOf = new Map(reports.map((r) => [r.host, r.error ? null : r.current]));
  const runsEverywhere = (hosts: readonly string[], release: string): boolean => hosts.length > 0 && hosts.every((h) => currentOf.get(h) === release);
  return stages.map((stage) => {
    const hosts = [...(byStage.get(stage) ?? [])];
    const running = [...new Set(hosts.flatMap((h) => currentOf.get(h) ?? []))].sort().reverse();
    const to = nextStage(stages, stage);
    const record = records
      .filter((r) => r.kind === 'deploy' && r.outcome === 'succeeded' && r.stage === stage && r.revision !== null && runsEverywhere(hosts, r.release))
      .sort((a, b) => b.id - a.id)[0];
    const promotable = to !== null && record !== undefined && !runsEverywhere(byStage.get(to) ?? [], record.release);
    return { stage, hosts, running, promote: promotable ? { record, to } : null };
  });
}

/**
 * Drift within each stage (staging running a newer release than production is the point of
 * stages, not drift): the release most hosts of a host's stage run, the hosts that run another,
 * and each host's stage. Without stages (null), the whole app is one group.
 */
export function stageDrift(
  reports: readonly HostReport[],
  byStage: ReadonlyMap<string, readonly string[]> | null,
): { expectedOf: Map<string, string | null>; drifted: string[]; stageOf: Map<string, string> } {
  const stageOf = new Map([...(byStage ?? [])].flatMap(([stage, hosts]) => hosts.map((h) => [h, stage] as const)));
  const groups = byStage ? [...byStage.values()].map((hosts) => reports.filter((r) => hosts.includes(r.host))) : [reports];
  const expectedOf = new Map<string, string | null>();
  const drifted: string[] = [];
  for (const group of groups) {
    const d = drift(group);
    for (const r of group) expectedOf.set(r.host, d.expected);
    drifted.push(...d.drifted);
  }
  return { expectedOf, drifted, stageOf };
}
