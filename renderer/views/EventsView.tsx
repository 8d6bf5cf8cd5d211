import { useDeferredValue, useState, type ReactNode } from 'react';
import type { CheckStateName } from '../../shared/status/schema';
import { EventTable } from './EventTable';
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
      <EventTable events={shown} onHost={showHost} rowTestId="event-row" />
    </div>
  );
}
