import type { ReactNode } from 'react';
import type { StatusEvent } from '../../shared/status/schema';
import { Badge } from './Badge';

// One state change as the events list and a host's page show it: "OK → CRITICAL" with how sure it
// is (soft, hard, recovered); a soft problem that repeated until it became hard says just that
// ("CRITICAL: soft → hard"), not "CRITICAL → CRITICAL".

export function StateChange({ event }: { event: Pick<StatusEvent, 'from' | 'to' | 'hard'> }): ReactNode {
  const to = <span className={`state-text state-${event.to.toLowerCase()}`}>{event.to}</span>;
  if (event.from === event.to) {
    return (
      <span data-testid="state-change" title="The problem repeated on every check until it was confirmed">
        {to}: soft → <ChangeBadge to={event.to} hard={event.hard} />
      </span>
    );
  }
  return (
    <span data-testid="state-change">
      <span className={`state-text state-${event.from.toLowerCase()}`}>{event.from}</span> → {to} <ChangeBadge to={event.to} hard={event.hard} />
    </span>
  );
}

/** A recovery says so in green; a hard problem takes its state's colour; a soft one stays grey. */
function ChangeBadge({ to, hard }: { to: StatusEvent['to']; hard: boolean }): ReactNode {
  if (to === 'OK') return <Badge tone="ok">recovered</Badge>;
  if (!hard) return <Badge>soft</Badge>;
  return <Badge tone={to === 'WARNING' ? 'warning' : to === 'UNKNOWN' ? 'unknown' : 'critical'}>hard</Badge>;
}
