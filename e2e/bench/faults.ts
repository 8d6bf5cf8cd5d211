// `npm run bench -- faults --hosts 20 --rounds 30 [--seed S]`: the fault drill. Test hosts at
// 127.0.193.x and private hosts behind a bastion run the sample app in three stages; a console
// in browser mode is driven as its page drives it. Each round starts a deploy, a promotion or a
// rollback and at a random moment (seeded: --seed replays a run) breaks one or two things
// (faultKinds.ts); once everything has settled it checks the hosts themselves (faultChecks.ts).
// Prints, last, one JSON line with each invariant's count of violations.
import { faultBed, type FaultBed } from './faultBed';
import { FAULT_KINDS, type FaultKind } from './faultKinds';
import { runRound, type RoundResult } from './faultRound';
import { history } from './faultActions';
import { seededRandom } from './fuzz';

export const FAULTS_USAGE = `  faults [--hosts N] [--rounds N] [--seed S] [--private N] [--kinds a,b]
                  deploys, promotions and rollbacks with faults injected at random moments, then
                  checks every host (current complete, releases as recorded, no orphan lock,
                  no record lost, no crash); --kinds picks from ${FAULT_KINDS.join(', ')}`;

export interface FaultsOptions {
  hosts: number;
  privateHosts: number;
  rounds: number;
  seed: number;
  kinds: FaultKind[];
  repoRoot: string;
}

export function parseKinds(text: string | undefined): FaultKind[] {
  if (text === undefined) return [...FAULT_KINDS];
  const kinds = text.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || kinds.length === 0) throw new Error(`--kinds takes ${FAULT_KINDS.join(', ')}; not ${unknown.join(', ')}`);
  return kinds as FaultKind[];
}

const p95 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
};

export async function runFaults(o: FaultsOptions): Promise<number> {
  if (o.hosts - o.privateHosts < 6) throw new Error('--hosts must leave at least 6 direct hosts beside the private ones');
  const log = (line: string): void => console.log(line);
  log(`starting ${o.hosts - o.privateHosts} test hosts at 127.0.193.x and ${o.privateHosts} behind a bastion (seed ${o.seed}) …`);
  const bed = await faultBed({ hosts: o.hosts, privateHosts: o.privateHosts, tmpfsHosts: 2, repoRoot: o.repoRoot, log });
  const stop = (): void => void bed.dispose().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    await warmUp(bed, log);
    const random = seededRandom(o.seed);
    const results: RoundResult[] = [];
    let expectedMs = 5000;
    for (let round = 1; round <= o.rounds; round++) {
      log(`round ${round}:`);
      const result = await runRound(bed, o.kinds, random, expectedMs, log);
      results.push(result);
      // Faults land anywhere in a run: the next one's moment is drawn over about how long runs take.
      expectedMs = Math.round(0.7 * expectedMs + 0.3 * Math.min(result.durationMs, 30_000));
      for (const v of result.violations) log(`VIOLATION seed ${o.seed} round ${round} ${v.invariant}: ${v.found}`);
    }
    const count = (invariant: string): number => results.reduce((n, r) => n + r.violations.filter((v) => v.invariant === invariant).length, 0);
    const injected: Record<string, number> = {};
    for (const f of results.flatMap((r) => r.faults)) injected[f.kind] = (injected[f.kind] ?? 0) + 1;
    const outcomes: Record<string, number> = {};
    for (const out of results.flatMap((r) => r.outcomes)) outcomes[out] = (outcomes[out] ?? 0) + 1;
    const summary = {
      seed: o.seed,
      rounds: results.length,
      faults_injected: injected,
      outcomes,
      broken_current: count('broken_current'),
      unexplained_mixed: count('unexplained_mixed'),
      orphan_locks: count('orphan_locks'),
      records_lost: count('records_lost'),
      crashes: count('crashes'),
      status_disagree: count('status_disagree'),
      recovery_s_p95: Math.round(p95(results.map((r) => r.recoveryS)) * 10) / 10,
      console_rss_mb_max: bed.rssMb(),
    };
    console.log(JSON.stringify(summary));
    return results.some((r) => r.violations.length > 0) ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', stop);
    await bed.dispose();
  }
}

/** Every stage gets v1 first, without faults, so every host has a record saying what it runs. */
async function warmUp(bed: FaultBed, log: (line: string) => void): Promise<void> {
  const client = bed.console.client;
  const wait = async (): Promise<void> => {
    for (;;) {
      const records = await history(client);
      if (records[0] && records[0].outcome !== null) {
        if (records[0].outcome !== 'succeeded') throw new Error(`the warm-up ${records[0].kind} ${records[0].outcome}: ${records[0].message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  log('warm-up: v1 to staging, promoted to production and private …');
  await client.call('deploy.start', { app: 'shop', ref: 'v1' });
  await wait();
  for (let i = 0; i < 2; i++) {
    await client.call('deploy.start', { app: 'shop', promote: (await history(client))[0]!.id });
    await wait();
  }
}
