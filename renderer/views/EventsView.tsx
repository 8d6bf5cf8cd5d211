import { useDeferredValue, useState, type ReactNode } from 'react';
import type { CheckStateName, StatusEvent } from '../../shared/status/schema';
import { Badge } from '../parts/Badge';
import { useAppStore } from '../state/react';

// The latest state changes of the whole fleet, newest first, live. Soft changes are marked: they
// may still clear by themselves; hard ones are what notifications are sent for.

export function EventsView(): ReactNode {
  const events = useAppStore((s) => s.events);
  const showHost = useAppStore((s) => s.showHost);
  const [text, setText] = useState('');
  const [state, setState] = useState<CheckStateName | ''>('');
  const query = useDeferredValue(text.trim().toLowerCase());
  const shown = events.filter((e) => (!state || e.to === state) && (!query || `${e.host} ${e.checkName} ${e.reason}`.toLowerCase().includes(query)));
  return (
    <div className="events-view" data-testid="events-view">
      <header className="view-header">
        <h1>Events</h1>
        <span className="muted">{shown.length === events.length ? `${events.length} latest state changes` : `${shown.length} of ${events.length}`}</span>
        <input className="input" type="search" placeholder="Filter by host, check or reason" aria-label="Filter events" value={text} onChange={(e) => setText(e.target.value)} />
        <select className="input" aria-label="Only changes to" value={state} onChange={(e) => setState(e.target.value as CheckStateName | '')}>
          <option value="">any state</option>
          <option value="CRITICAL">to CRITICAL</option>
          <option value="WARNING">to WARNING</option>
          <option value="UNKNOWN">to UNKNOWN</option>
          <option value="OK">to OK (recoveries)</option>
        </select>
      </header>
      {events.length === 0 ? <p className="muted">No state changes yet. When a check changes state, it is listed here.</p> : null}
      <table className="events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Host</th>
            <th scope="col">Check</th>
            <th scope="col">Change</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id} data-testid="event-row" data-host={e.host} data-to={e.to} data-hard={e.hard}>
              <td className="num">{new Date(e.at).toLocaleString()}</td>
              <td>
                <button type="button" className="link" onClick={() => showHost(e.host)}>
                  {e.host}
                </button>
              </td>
              <td>{e.checkName}</td>
              <td>
                <span className={`state-text state-${e.from.toLowerCase()}`}>{e.from}</span> → <span className={`state-text state-${e.to.toLowerCase()}`}>{e.to}</span>{' '}
                <ChangeBadge to={e.to} hard={e.hard} />
              </td>
              <td className="check-reason">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A recovery says so in green; a hard problem takes its state's colour; a soft one stays grey. */
function ChangeBadge({ to, hard }: { to: StatusEvent['to']; hard: boolean }): ReactNode {
  if (to === 'OK') return <Badge tone="ok">recovered</Badge>;
  if (!hard) return <Badge>soft</Badge>;
  return <Badge tone={to === 'WARNING' ? 'warning' : to === 'UNKNOWN' ? 'unknown' : 'critical'}>hard</Badge>;
}
