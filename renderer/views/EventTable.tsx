import type { ReactNode } from 'react';
import type { StatusEvent } from '../../shared/status/schema';
import { StateChange } from '../parts/StateChange';

// State changes as a table: time, (host,) check, change, reason. The events view shows every
// host's; a host's page its own, without the host column.

export function EventTable({ events, onHost, rowTestId }: { events: readonly StatusEvent[]; onHost?: (host: string) => void; rowTestId: string }): ReactNode {
  return (
    <table className="events">
      <thead>
        <tr>
          <th scope="col">Time</th>
          {onHost ? <th scope="col">Host</th> : null}
          <th scope="col">Check</th>
          <th scope="col">Change</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-testid={rowTestId} data-host={e.host} data-to={e.to} data-hard={e.hard}>
            <td className="num">
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time>
            </td>
            {onHost ? (
              <td>
                <button type="button" className="link" onClick={() => onHost(e.host)}>
                  {e.host}
                </button>
              </td>
            ) : null}
            <td>{e.checkName}</td>
            <td>
              <StateChange event={e} />
            </td>
            <td className="check-reason">{e.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
