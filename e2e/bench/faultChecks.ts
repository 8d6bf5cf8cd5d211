// What must hold after every round of the fault drill, checked on the hosts themselves (each
// host's deploy_to is a folder on this machine) against what the console says.
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployRecordMessage } from '../../shared/contract/deploy';
import { parseLogLine } from '../../shared/deploy/release';
import type { StatusEvent } from '../../shared/status/schema';
import type { DrillHost } from './faultBed';

export interface Violation {
  invariant: 'broken_current' | 'unexplained_mixed' | 'orphan_locks' | 'records_lost' | 'crashes' | 'status_disagree';
  found: string;
}

const RELEASE = /^\d{14}$/;

/** Where current points on the host: a release id, null when there is no current, or why it is broken. */
export function currentOf(host: DrillHost): { release: string | null; broken: string | null } {
  const link = join(host.appDir, 'current');
  let target: string;
  try {
    target = readlinkSync(link);
  } catch {
    return { release: null, broken: null };
  }
  const name = target.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!RELEASE.test(name) || !/(^|\/)releases\/\d{14}\/?$/.test(target)) return { release: null, broken: `${host.name}: current points at ${JSON.stringify(target)}, not at releases/<id>` };
  const dir = join(host.appDir, 'releases', name);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { release: name, broken: `${host.name}: current points at releases/${name}, which is not there` };
  const missing = ['REVISION', 'server.js', 'bin/restart'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) return { release: name, broken: `${host.name}: current release ${name} is incomplete (no ${missing.join(', ')})` };
  return { release: name, broken: null };
}

/** The release the host's revisions.log names last, and who wrote the line. */
function lastLogged(host: DrillHost): { release: string; by: string } | null {
  const file = join(host.appDir, 'revisions.log');
  if (!existsSync(file)) return null;
  const entry = parseLogLine(readFileSync(file, 'utf8').trim().split('\n').pop() ?? '');
  return entry.kind === 'other' ? null : { release: entry.release, by: entry.user };
}

/**
 * Each host runs what the console's records say, walking them newest first: a record that did
 * not switch the host (nothing changed there: preflight failed, or the host already ran it) says
 * nothing, and the one before it speaks. One that switched it says its release if it succeeded,
 * else its release or the host's previous one, as its switch and rollback steps tell. An
 * interrupted record (the console died; its steps were not written) allows its release beside
 * what the records before it say. A host Capistrano deployed to since (the last line of its
 * revisions.log is cap's, by "capistrano") runs cap's release. Hosts no record names are not judged.
 */
export function checkHosts(hosts: readonly DrillHost[], records: readonly DeployRecordMessage[]): Violation[] {
  const found: Violation[] = [];
  for (const host of hosts) {
    const { release, broken } = currentOf(host);
    if (broken) found.push({ invariant: 'broken_current', found: broken });
    const logged = lastLogged(host);
    if (logged?.by === 'capistrano' && logged.release === release) continue;
    const said = explained(host.name, records.filter((r) => r.outcome !== null && r.hosts.includes(host.name)));
    if (said && !said.allowed.has(release)) {
      const r = said.record;
      found.push({ invariant: 'unexplained_mixed', found: `${host.name} runs ${release ?? 'nothing'}, but the console's record ${r.id} (${r.kind} ${r.release}, ${r.outcome}: ${r.message ?? ''}) and those before it say ${[...said.allowed].map((a) => a ?? 'nothing').join(' or ')}` });
    }
  }
  return found;
}

/** What the records (newest first, each naming the host) allow it to run, and the record that says so. */
function explained(host: string, records: readonly DeployRecordMessage[]): { allowed: Set<string | null>; record: DeployRecordMessage } | null {
  const [record, ...older] = records;
  if (!record) return null;
  const before = (): Set<string | null> => explained(host, older)?.allowed ?? new Set();
  // Where the record moves the host (an undo: back to its previous release), and where from.
  const to = record.kind === 'undo' ? (record.previous[host] ?? null) : record.release;
  const from = record.kind === 'undo' ? record.release : (record.previous[host] ?? null);
  if (record.outcome === 'interrupted') return { allowed: new Set([to, from, ...before()]), record };
  const steps = record.steps.filter((s) => s.host === host);
  const switched = steps.find((s) => s.step === 'switch');
  const rolledBack = steps.find((s) => s.step === 'rollback');
  if (!switched && !rolledBack) return older.length > 0 ? explained(host, older) : null;
  if (record.outcome === 'succeeded') return { allowed: new Set([to]), record };
  if (rolledBack?.state === 'ok') return { allowed: new Set([from]), record };
  if (switched?.state === 'ok' && !rolledBack) return { allowed: new Set([to]), record };
  // A switch or a rollback that failed (the host was unreachable) may or may not have happened.
  return { allowed: new Set([from, to]), record };
}

/** Locks held while no deploy runs (and Capistrano's run is over). */
export function locksLeft(hosts: readonly DrillHost[]): Violation[] {
  return hosts.flatMap((host) => {
    const lock = join(host.appDir, '.fleetdeck', 'lock');
    if (!existsSync(lock)) return [];
    const holder = existsSync(join(lock, 'holder')) ? readFileSync(join(lock, 'holder'), 'utf8').trim() : '(no holder file)';
    return [{ invariant: 'orphan_locks' as const, found: `${host.name}: the deploy lock is held by ${holder}, and no deploy is running` }];
  });
}

/** Every record seen before the fault is still there, with the outcome it had; none is left without one. */
export function checkRecords(before: readonly DeployRecordMessage[], after: readonly DeployRecordMessage[]): Violation[] {
  const found: Violation[] = [];
  const now = new Map(after.map((r) => [r.id, r]));
  for (const r of before) {
    const kept = now.get(r.id);
    if (!kept) found.push({ invariant: 'records_lost', found: `record ${r.id} (${r.kind} ${r.release}) is gone` });
    else if (r.outcome !== null && kept.outcome !== r.outcome) found.push({ invariant: 'records_lost', found: `record ${r.id} said ${r.outcome}, now ${kept.outcome}` });
  }
  for (const r of after) if (r.outcome === null) found.push({ invariant: 'records_lost', found: `record ${r.id} (${r.kind} ${r.release}) has no outcome, and nothing is running` });
  return found;
}

/** Status events seen before the fault that are gone after it, among those old enough to have
 * been written (the console writes them once per poll cycle) and not yet past the list's end. */
export function lostEvents(before: readonly StatusEvent[], after: readonly StatusEvent[], writtenBefore: number): Violation[] {
  const kept = new Set(after.map((e) => e.id));
  const oldest = Math.min(...after.map((e) => e.id));
  const lost = before.filter((e) => e.at < writtenBefore && e.id >= oldest && !kept.has(e.id));
  return lost.length === 0 ? [] : [{ invariant: 'records_lost', found: `${lost.length} status event(s) written before the fault are gone, e.g. ${lost[0]!.host} ${lost[0]!.check} → ${lost[0]!.to} at ${new Date(lost[0]!.at).toISOString()}` }];
}
