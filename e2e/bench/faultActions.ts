// What a round of the fault drill asks the console for, through its own protocol as the Deploys
// and Releases views do: a deploy of a new ref (to the first stage), a promotion of a deploy that
// succeeded on a stage to the next one, or a rollback of a stage to an older release its hosts
// still have (planned, then started with the plan's id); and, after a console was killed, the
// user's way out from Releases: resume the interrupted deploy or undo it.
import type { DeployRecordMessage } from '../../shared/contract/deploy';
import type { NodeCoreClient } from '../coreClient';
import type { DrillHost } from './faultBed';

export const ACTIONS = ['deploy', 'promotion', 'rollback'] as const;
export type Action = (typeof ACTIONS)[number];
const STAGES = ['staging', 'production', 'private'];
type Random = () => number;

export interface Started {
  action: Action;
  /** The console's record of it. */
  record: number;
  /** What it does, for the log. */
  what: string;
  /** The hosts it goes to. */
  hosts: DrillHost[];
}

export const history = (client: NodeCoreClient): Promise<DeployRecordMessage[]> => client.call('deploy.history', { app: 'shop' });

/** Starts `action` (or a deploy, when there is nothing to promote or roll back to). */
export async function startAction(client: NodeCoreClient, action: Action, hosts: readonly DrillHost[], random: Random): Promise<Started> {
  const of = (stage: string) => hosts.filter((h) => h.stage === stage);
  if (action === 'promotion') {
    const records = await history(client);
    const promotable = ['staging', 'production'].flatMap((stage) => records.find((r) => r.kind === 'deploy' && r.stage === stage && r.outcome === 'succeeded' && r.revision) ?? []);
    if (promotable.length > 0) {
      const from = promotable[Math.floor(random() * promotable.length)]!;
      const to = STAGES[STAGES.indexOf(from.stage!) + 1]!;
      await client.call('deploy.start', { app: 'shop', promote: from.id });
      return { action, record: await newestRecord(client), what: `promote ${from.release} from ${from.stage} to ${to}`, hosts: of(to) };
    }
  }
  if (action === 'rollback') {
    const stage = STAGES[Math.floor(random() * STAGES.length)]!;
    const release = await olderRelease(client, of(stage).map((h) => h.name));
    if (release) {
      const plan = await client.call('deploy.plan', { app: 'shop', release, stage });
      if (plan.waves.length > 0) {
        await client.call('deploy.start', { app: 'shop', release, stage, plan: plan.id });
        return { action, record: await newestRecord(client), what: `roll ${stage} back to ${release}`, hosts: of(stage) };
      }
    }
  }
  const ref = ['v1', 'v2', 'v4'][Math.floor(random() * 3)]!;
  await client.call('deploy.start', { app: 'shop', ref });
  return { action: 'deploy', record: await newestRecord(client), what: `deploy ${ref} to staging`, hosts: of('staging') };
}

/** The record deploy.start just wrote (records are numbered in order; one deploy of an app runs at a time). */
async function newestRecord(client: NodeCoreClient): Promise<number> {
  const records = await history(client);
  return Math.max(...records.map((r) => r.id));
}

/** The newest release every one of `names` still has that is not what all of them run. */
async function olderRelease(client: NodeCoreClient, names: readonly string[]): Promise<string | null> {
  const reports = (await client.call('deploy.releases', { app: 'shop' })).filter((r) => names.includes(r.host));
  if (reports.length !== names.length || reports.some((r) => r.error)) return null;
  const common = reports.map((r) => new Set(r.releases)).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  const currents = new Set(reports.map((r) => r.current));
  const candidates = [...common].filter((r) => !(currents.size === 1 && currents.has(r))).sort();
  return candidates.length >= 2 ? candidates[candidates.length - 2]! : (candidates[0] ?? null);
}

/** After a console died mid-run: what a user does from Releases. A deploy is resumed or undone
 * (its record's button; the dead console's lock is taken over as part of it); a rollback is
 * planned and started again once the dead console's lock is stale. Returns the new record. */
export async function recoverInterrupted(client: NodeCoreClient, record: DeployRecordMessage, random: Random): Promise<{ record: number; what: string }> {
  if (record.kind === 'deploy') {
    const undo = random() < 0.4;
    await client.call('deploy.start', { app: 'shop', ...(undo ? { undo: record.id } : { resume: record.id }) });
    return { record: await newestRecord(client), what: `${undo ? 'undo' : 'resume'} interrupted record ${record.id}` };
  }
  // An undo sent hosts back each to its own previous release: its way out is a rollback to the one most of them had.
  const release = record.kind === 'rollback' ? record.release : mostCommon(Object.values(record.previous).filter((r): r is string => r !== null)) ?? record.release;
  const input = { app: 'shop', release, ...(record.stage ? { stage: record.stage } : {}) };
  const plan = await client.call('deploy.plan', input);
  await client.call('deploy.start', { ...input, plan: plan.id, takeOver: 'stale' });
  return { record: await newestRecord(client), what: `roll back to ${release} again after interrupted record ${record.id}` };
}

function mostCommon(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
