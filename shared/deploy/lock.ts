import { briefDuration, parseDuration } from '../duration';

// The deploy lock on a host, <deploy_to>/.fleetdeck/lock: its `holder` (one line, for people and
// for this code) and its `heartbeat` (the host's own `date +%s`, refreshed by the deploy that holds
// it every `lock.heartbeat`). Ages are measured on the host against the host's clock, in the same
// shell command (electron/core/deploy/hostSteps.ts LOCK_FACTS), so a console's clock skew never makes a
// lock look stale. A lock without a heartbeat (Capistrano's plugin writes none, nor did Fleetdeck
// before 2026-11) is aged from when it was taken and is stale only when very old.

/** What a host says about its lock: the holder line, and the age in seconds of its heartbeat
 * (heartbeat: true) or, for a lock without one, of the lock itself. */
export interface LockFacts {
  holder: string;
  ageSeconds: number;
  heartbeat: boolean;
}

/** A held lock's liveness: stale when its holder has shown no life for longer than the app allows. */
export interface Lease {
  ageSeconds: number;
  heartbeat: boolean;
  stale: boolean;
}

export interface LockSettings {
  heartbeatMs: number;
  staleAfterSeconds: number;
  staleWithoutHeartbeatSeconds: number;
}

/** The fleet file's `lock:` of an app (AppSchema), in numbers. */
export function lockSettings(lock: { heartbeat: string | number; stale_after: string | number; stale_without_heartbeat: string | number }): LockSettings {
  return {
    heartbeatMs: parseDuration(lock.heartbeat),
    staleAfterSeconds: parseDuration(lock.stale_after) / 1000,
    staleWithoutHeartbeatSeconds: parseDuration(lock.stale_without_heartbeat) / 1000,
  };
}

/** Fleetdeck's holder line: "alice@laptop pid 4242 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)".
 * Capistrano's plugin writes the same after "capistrano ", with "(cap production deploy, shop)". */
export function holderLine(h: { user: string; machine: string; pid: number; since: Date; kind: string; app: string; release: string }): string {
  return `${h.user}@${h.machine} pid ${h.pid} since ${h.since.toISOString()} (${h.kind} ${h.app} ${h.release})`;
}

export interface Holder {
  capistrano: boolean;
  user: string;
  machine: string;
  pid: number;
  since: string;
  what: string;
  /** The release a Fleetdeck deploy, rollback or undo holds it for (null: Capistrano, or not said). */
  release: string | null;
}

/** Whether a lock's holder line is one Capistrano wrote (capistrano/fleetdeck_lock.rake): it starts
 * with "capistrano ", e.g. "capistrano carol@laptop pid 4242 since …". */
export function isCapistranoHolder(holder: string): boolean {
  return holder.startsWith('capistrano ');
}

/** A holder line read back; null when it is not in either form (a hand-made lock, say). */
export function parseHolder(line: string): Holder | null {
  const m = /^(capistrano )?(.*?)@(\S+) pid (\d+) since (\S+) \((.*)\)$/.exec(line.trim());
  if (!m) return null;
  const capistrano = m[1] !== undefined;
  const release = capistrano ? null : (/^(?:deploy|rollback|undo) \S+ (\d{14})$/.exec(m[6]!)?.[1] ?? null);
  return { capistrano, user: m[2]!, machine: m[3]!, pid: Number(m[4]), since: m[5]!, what: m[6]!, release };
}

/** The lock lines LOCK_FACTS prints ("lock=<holder>", "lock_age=<seconds> heartbeat|taken"); null: no lock. */
export function parseLockFacts(lines: readonly string[]): LockFacts | null {
  const holder = lines.find((l) => l.startsWith('lock='));
  if (holder === undefined) return null;
  const age = /^lock_age=(-?\d+) (heartbeat|taken)$/.exec(lines.find((l) => l.startsWith('lock_age=')) ?? '');
  // A host that printed no age (it cannot tell) is taken as just locked: live, never taken over unasked.
  return { holder: holder.slice(5), ageSeconds: Math.max(0, Number(age?.[1] ?? 0)), heartbeat: age?.[2] !== 'taken' };
}

export function leaseOf(facts: LockFacts, settings: LockSettings): Lease {
  const limit = facts.heartbeat ? settings.staleAfterSeconds : settings.staleWithoutHeartbeatSeconds;
  return { ageSeconds: facts.ageSeconds, heartbeat: facts.heartbeat, stale: facts.ageSeconds > limit };
}

/** "last heartbeat 2 min ago (stale)"; "taken 5 s ago, no heartbeat (live)". */
export function leaseText(lease: Lease): string {
  const age = briefDuration(lease.ageSeconds);
  return `${lease.heartbeat ? `last heartbeat ${age} ago` : `taken ${age} ago, no heartbeat`} (${lease.stale ? 'stale' : 'live'})`;
}

/** "locked by alice@laptop pid 4242 since … (deploy shop 2026…), last heartbeat 2 min ago (stale)". */
export function describeLock(holder: string, lease: Lease): string {
  return `locked by ${holder || 'unknown'}, ${leaseText(lease)}`;
}

/** Whose lock a deploy takes over: none (false); any stale one ('stale': the user confirmed);
 * any (true: the user confirmed by typing the app's name, the lock may be live); or, resuming or
 * undoing a deploy whose console died ('console'), that deploy's own lock or a stale lock of any
 * Fleetdeck console, never a Capistrano run's (cap may be deploying right now). */
export type TakeOver = boolean | 'stale' | 'console';

export function takesOver(takeOver: TakeOver, holder: string, lease: Lease, release: string): boolean {
  if (takeOver === true) return true;
  if (takeOver === 'stale') return lease.stale;
  if (takeOver === 'console') return !isCapistranoHolder(holder) && (lease.stale || parseHolder(holder)?.release === release);
  return false;
}
