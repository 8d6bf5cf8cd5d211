import { useState, type ReactNode } from 'react';
import { describeLock } from '../../../shared/deploy/lock';
import type { DeployProgress } from '../../state/deployProgress';
import { InlineConfirm } from './InlineConfirm';

// After a deploy stopped at preflight on locks others hold: "Take over the … lock and deploy…", then
// what holds each host. Stale locks (their holder stopped beating) take one confirmation; a live
// one — its deploy may be running right now — only once the app's name is typed.
export function TakeOverLocks({ app, locks, onTakeOver }: { app: string; locks: DeployProgress['locks']; onTakeOver(takeOver: true | 'stale'): void }): ReactNode {
  const [confirming, setConfirming] = useState(false);
  const held = Object.entries(locks);
  const live = held.filter(([, l]) => !l.lease.stale).map(([host]) => host);
  if (!confirming) {
    return (
      <button type="button" className="button button-danger" data-testid="deploy-takeover" onClick={() => setConfirming(true)}>
        Take over the {live.length > 0 ? 'live' : 'stale'} lock and deploy…
      </button>
    );
  }
  const what = held.map(([host, l]) => `${host}: ${describeLock(l.holder, l.lease)}`).join('; ');
  const warning = live.length > 0 ? ` The lock on ${live.join(', ')} is live: its deploy may be running now.` : '';
  return (
    <InlineConfirm what={`${what}.${warning}`} needs={live.length > 0 ? app : null} onCancel={() => setConfirming(false)} testId="takeover-confirm">
      <button type="button" className="button button-danger" data-testid="takeover-go" onClick={() => onTakeOver(live.length > 0 ? true : 'stale')}>
        Take over {held.length === 1 ? 'the lock' : `${held.length} locks`} and deploy
      </button>
    </InlineConfirm>
  );
}
