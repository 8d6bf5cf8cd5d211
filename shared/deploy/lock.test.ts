import { describe, expect, it } from 'vitest';
import { AppSchema } from '../fleet/appSchema';
import { describeLock, holderLine, leaseOf, lockSettings, parseHolder, parseLockFacts, takesOver } from './lock';

const settings = lockSettings({ heartbeat: '15s', stale_after: '45s', stale_without_heartbeat: '1h' });
const ours = holderLine({ user: 'alice', machine: 'laptop', pid: 4242, since: new Date(Date.UTC(2026, 10, 23, 10)), kind: 'deploy', app: 'shop', release: '20261123100000' });
const cap = 'capistrano carol@desk pid 77 since 2026-11-23T11:40:58.118Z (cap production deploy, shop)';

describe('the deploy lock', () => {
  it('writes a holder line people read and reads it back, Capistrano\'s too', () => {
    expect(ours).toBe('alice@laptop pid 4242 since 2026-11-23T10:00:00.000Z (deploy shop 20261123100000)');
    expect(parseHolder(ours)).toEqual({ capistrano: false, user: 'alice', machine: 'laptop', pid: 4242, since: '2026-11-23T10:00:00.000Z', what: 'deploy shop 20261123100000', release: '20261123100000' });
    expect(parseHolder(cap)).toMatchObject({ capistrano: true, user: 'carol', machine: 'desk', pid: 77, what: 'cap production deploy, shop', release: null });
    // cap where $USER is unset names nobody; a hand-made lock is no holder line.
    expect(parseHolder('capistrano @ci pid 1 since 2026-11-23T00:00:00Z (cap staging deploy, shop)')).toMatchObject({ user: '', machine: 'ci' });
    expect(parseHolder('carol@laptop')).toBeNull();
  });

  it('reads what the host printed: the holder and the age of its heartbeat, or of a lock without one', () => {
    expect(parseLockFacts(['current=x', `lock=${ours}`, 'lock_age=12 heartbeat'])).toEqual({ holder: ours, ageSeconds: 12, heartbeat: true });
    expect(parseLockFacts([`lock=${cap}`, 'lock_age=300 taken'])).toEqual({ holder: cap, ageSeconds: 300, heartbeat: false });
    expect(parseLockFacts(['current=x'])).toBeNull();
    // A heartbeat from the future (written by a host whose clock went back) is not an age below zero.
    expect(parseLockFacts(['lock=', 'lock_age=-3 heartbeat'])).toEqual({ holder: '', ageSeconds: 0, heartbeat: true });
  });

  it('calls a lock stale past its threshold: the heartbeat\'s for a beating lock, a much longer one without', () => {
    expect(leaseOf({ holder: ours, ageSeconds: 45, heartbeat: true }, settings).stale).toBe(false);
    expect(leaseOf({ holder: ours, ageSeconds: 46, heartbeat: true }, settings).stale).toBe(true);
    expect(leaseOf({ holder: cap, ageSeconds: 46, heartbeat: false }, settings).stale).toBe(false);
    expect(leaseOf({ holder: cap, ageSeconds: 3601, heartbeat: false }, settings).stale).toBe(true);
    expect(describeLock(ours, leaseOf({ holder: ours, ageSeconds: 130, heartbeat: true }, settings))).toBe(`locked by ${ours}, last heartbeat 2 min ago (stale)`);
    expect(describeLock(cap, leaseOf({ holder: cap, ageSeconds: 5, heartbeat: false }, settings))).toBe(`locked by ${cap}, taken 5 s ago, no heartbeat (live)`);
    expect(describeLock('', { ageSeconds: 0, heartbeat: true, stale: false })).toBe('locked by unknown, last heartbeat 0 s ago (live)');
  });

  it('takes over what it is allowed to: stale locks on request, any when the user insists, its own when resuming', () => {
    const live = { ageSeconds: 3, heartbeat: true, stale: false };
    const stale = { ageSeconds: 300, heartbeat: true, stale: true };
    expect([false, 'stale', true].map((t) => takesOver(t as boolean | 'stale', ours, live, '20261123120000'))).toEqual([false, false, true]);
    expect([false, 'stale', true].map((t) => takesOver(t as boolean | 'stale', ours, stale, '20261123120000'))).toEqual([false, true, true]);
    // Resuming: the dead run's own lock even while it still looks live, another console's only once stale, Capistrano's never.
    expect(takesOver('console', ours, live, '20261123100000')).toBe(true);
    expect(takesOver('console', ours, live, '20261123120000')).toBe(false);
    expect(takesOver('console', ours, stale, '20261123120000')).toBe(true);
    expect(takesOver('console', cap, { ...stale, heartbeat: false }, '20261123120000')).toBe(false);
    expect(takesOver('stale', cap, { ...stale, heartbeat: false }, '20261123120000')).toBe(true);
  });

  it('has settings in the fleet file with defaults, and refuses a threshold a late beat would cross', () => {
    const app = { roles: ['app'], deploy_to: '~/apps/shop', source: { git: 'x' } };
    expect(lockSettings(AppSchema.parse(app).lock)).toEqual({ heartbeatMs: 15_000, staleAfterSeconds: 45, staleWithoutHeartbeatSeconds: 3600 });
    expect(lockSettings(AppSchema.parse({ ...app, lock: { heartbeat: '1s', stale_after: '3s' } }).lock)).toMatchObject({ heartbeatMs: 1000, staleAfterSeconds: 3 });
    expect(AppSchema.safeParse({ ...app, lock: { heartbeat: '15s', stale_after: '20s' } }).success).toBe(false);
  });
});
