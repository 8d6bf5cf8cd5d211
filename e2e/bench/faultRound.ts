// One round of the fault drill: start a deploy, a promotion or a rollback; at a random moment
// inject one or two faults; heal them; recover as a user would when the console was killed; wait
// until everything has settled; check what must hold.
import type { DeployRecordMessage } from '../../shared/contract/deploy';
import type { StatusEvent } from '../../shared/status/schema';
import { ACTIONS, history, recoverInterrupted, startAction, type Action } from './faultActions';
import { INTERVAL_S, type FaultBed } from './faultBed';
import { checkHosts, checkRecords, locksLeft, lostEvents, type Violation } from './faultChecks';
import { inject, type FaultKind, type Injected } from './faultKinds';

type Random = () => number;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Longest a deploy may take with its faults before the drill calls it stuck. */
const STUCK_MS = 180_000;
/** Monit's cycle on the test fleet: a restarted Monit has nothing to say before its first one. */
const MONIT_CYCLE_MS = 5000;
/** The console retries a lock it could not remove at the heartbeat's pace, doubling (LeftLocks):
 * after a fault of at most 15 s, its next try comes within about 16 s. */
const LOCK_SETTLE_MS = 30_000;

export interface RoundResult {
  action: Action;
  what: string;
  faults: Injected[];
  outcomes: string[];
  /** Fault to a record that has an outcome (after a console kill: the resumed or undone run's). */
  recoveryS: number;
  durationMs: number;
  violations: Violation[];
}

export async function runRound(
  bed: FaultBed,
  kinds: readonly FaultKind[],
  random: Random,
  expectedMs: number,
  log: (line: string) => void,
): Promise<RoundResult> {
  const client = () => bed.console.client;
  const recordsBefore = await history(client());
  const eventsBefore: StatusEvent[] = await client().call('status.events', { limit: 1000 });
  const crashesBefore = bed.crashes.length;
  const action = ACTIONS[Math.floor(random() * ACTIONS.length)]!;
  const t0 = Date.now();
  const started = await startAction(client(), action, bed.hosts, random);
  log(`  ${started.what} (record ${started.record})`);

  await sleep(Math.round(random() * expectedMs));
  const count = random() < 0.3 ? 2 : 1;
  const chosen = Array.from({ length: count }, () => kinds[Math.floor(random() * kinds.length)]!);
  // Two kills of the console at once are one kill; so are two Capistrano runs.
  const unique = [...new Set(chosen)];
  const faultAt = Date.now();
  const faults: Injected[] = [];
  for (const kind of unique) faults.push(await inject(kind, bed, started.hosts, random));
  for (const f of faults) log(`  fault at ${((faultAt - t0) / 1000).toFixed(1)} s: ${f.what}`);
  const healed = Promise.all(faults.map((f) => sleep(f.healAfterMs).then(() => f.heal())));

  const outcomes: string[] = [];
  const violations: Violation[] = [];
  let record = await outcomeOf(bed, started.record, healed);
  outcomes.push(record?.outcome ?? 'stuck');
  if (record?.outcome === 'interrupted') {
    // The user comes back to a console that restarted, looks at Releases, and resumes or undoes.
    await healed;
    const recovered = await recoverInterrupted(client(), record, random);
    log(`  ${recovered.what} (record ${recovered.record})`);
    record = await outcomeOf(bed, recovered.record, healed);
    outcomes.push(record?.outcome ?? 'stuck');
  }
  const recoveryS = (Date.now() - faultAt) / 1000;
  if (!record) violations.push({ invariant: 'unexplained_mixed', found: `the deploy did not end within ${STUCK_MS / 1000} s of its start` });
  else log(`  ${record.outcome} after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${record.message ?? ''}`.slice(0, 400));
  await healed;
  for (const f of faults) if (f.kind === 'capistrano') log(`  ${f.what}`);

  // Settled: nothing runs, every daemon is back; the checks look at the hosts.
  await untilIdle(bed);
  violations.push(...(await settledLocks(bed)));
  const recordsAfter = await history(client());
  violations.push(...checkHosts(bed.hosts, recordsAfter), ...checkRecords(recordsBefore, recordsAfter));
  violations.push(...lostEvents(eventsBefore, await client().call('status.events', { limit: 1000 }), faultAt - 2 * INTERVAL_S * 1000));
  for (const crash of bed.crashes.slice(crashesBefore)) violations.push({ invariant: 'crashes', found: crash });
  violations.push(...(await statusAgrees(bed)));
  return { action: started.action, what: started.what, faults, outcomes, recoveryS, durationMs: Date.now() - t0, violations };
}

/** The record once it has an outcome (polling the console, which may be down a moment); null if stuck. */
async function outcomeOf(bed: FaultBed, id: number, healed: Promise<unknown>): Promise<DeployRecordMessage | null> {
  void healed.catch(() => undefined);
  const deadline = Date.now() + STUCK_MS;
  while (Date.now() < deadline) {
    // A console killed a moment ago never answers on its old connection: ask again on the new one.
    const records = await Promise.race([history(bed.console.client), sleep(5000).then(() => null)]).catch(() => null);
    const record = records?.find((r) => r.id === id);
    if (record && record.outcome !== null) return record;
    await sleep(250);
  }
  return null;
}

async function untilIdle(bed: FaultBed): Promise<void> {
  const deadline = Date.now() + STUCK_MS;
  while ((await bed.console.client.call('deploy.running', {})).length > 0 && Date.now() < deadline) await sleep(250);
}

/** A lock its run could not remove (its host was down at the end) is removed by the console once
 * the host answers: settled means within LOCK_SETTLE_MS of the faults healing. */
async function settledLocks(bed: FaultBed): Promise<Violation[]> {
  const deadline = Date.now() + LOCK_SETTLE_MS;
  while (locksLeft(bed.hosts).length > 0 && Date.now() < deadline) await sleep(500);
  return locksLeft(bed.hosts);
}

/** Every app host is up again, so within three poll intervals (after Monit's first cycle, for a
 * Monit that was restarted) the console must show no host CRITICAL or UNKNOWN. */
async function statusAgrees(bed: FaultBed): Promise<Violation[]> {
  const deadline = Date.now() + MONIT_CYCLE_MS + 3 * INTERVAL_S * 1000;
  let wrong: string[] = [];
  do {
    wrong = [];
    for (const host of bed.hosts) {
      const status = await bed.console.client.call('status.host', { host: host.name });
      const bad = status?.checks.filter((c) => c.state === 'CRITICAL' || c.state === 'UNKNOWN') ?? [];
      if (!status) wrong.push(`${host.name}: no status`);
      else if (bad.length > 0) wrong.push(`${host.name}: ${bad.map((c) => `${c.name} ${c.state} (${c.reason})`).join(', ')}`);
    }
    if (wrong.length === 0) return [];
    await sleep(500);
  } while (Date.now() < deadline);
  return [{ invariant: 'status_disagree', found: `hosts up for ${(MONIT_CYCLE_MS + 3 * INTERVAL_S * 1000) / 1000} s still shown as down: ${wrong.join('; ')}` }];
}
