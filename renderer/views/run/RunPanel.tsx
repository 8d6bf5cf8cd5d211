import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import type { RunEvent } from '../../../shared/contract/run';
import type { Subscription } from '../../client';
import { NO_CRITERIA, productionHosts } from '../../state/pickHosts';
import { useClient } from '../../state/react';
import { HostPicker, usePicked } from './HostPicker';

// A command on many hosts: each host's state, exit code, duration and output as they arrive, and
// "run again on the failed ones".

interface HostRun {
  host: string;
  state: 'queued' | 'running' | 'ok' | 'failed';
  code: number | null;
  durationMs: number | null;
  output: string;
  error: string | null;
}

type Action = { type: 'start'; hosts: string[] } | { type: 'event'; event: RunEvent };

function reduce(rows: HostRun[], action: Action): HostRun[] {
  if (action.type === 'start') return action.hosts.map((host) => ({ host, state: 'queued', code: null, durationMs: null, output: '', error: null }));
  const e = action.event;
  if (e.kind === 'done') return rows;
  return rows.map((r) => {
    if (r.host !== e.host) return r;
    switch (e.kind) {
      case 'started':
        return { ...r, state: 'running' };
      case 'output':
        return { ...r, output: r.output + e.data };
      case 'finished':
        return { ...r, state: e.code === 0 ? 'ok' : 'failed', code: e.code, durationMs: e.durationMs };
      case 'failed':
        return { ...r, state: 'failed', error: e.error, durationMs: e.durationMs };
    }
  });
}

export function RunPanel(): ReactNode {
  const client = useClient();
  const [criteria, setCriteria] = useState(NO_CRITERIA);
  const picked = usePicked(criteria);
  const [command, setCommand] = useState('');
  const [concurrency, setConcurrency] = useState(10);
  // A production confirmation is for one command on one set of hosts: a change asks again.
  const [confirmedFor, setConfirmedFor] = useState<string | null>(null);
  const [rows, dispatch] = useReducer(reduce, []);
  const [running, setRunning] = useState(false);
  const run = useRef<Subscription | null>(null);
  useEffect(() => () => run.current?.close(), []);
  const production = productionHosts(picked);
  const asked = JSON.stringify([command, picked.map((h) => h.name)]);
  const confirming = confirmedFor === asked;

  const start = (hosts: string[], retry = false): void => {
    run.current?.close();
    dispatch({ type: 'start', hosts });
    setRunning(true);
    setConfirmedFor(null);
    run.current = client.subscribe('run.start', { hosts, command, concurrency, retry }, {
      onEvent: (event) => {
        dispatch({ type: 'event', event });
        if (event.kind === 'done') setRunning(false);
      },
      onEnd: () => setRunning(false),
    });
  };
  const failed = rows.filter((r) => r.state === 'failed').map((r) => r.host);

  return (
    <section className="run-panel" aria-label="Run a command">
      <HostPicker criteria={criteria} onChange={setCriteria} picked={picked} />
      <form
        className="run-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!command.trim() || picked.length === 0) return;
          if (production.length > 0 && !confirming) return setConfirmedFor(asked);
          start(picked.map((h) => h.name));
        }}
      >
        <input className="input run-command mono" data-testid="run-command" aria-label="Command" placeholder="uptime" autoFocus value={command} onChange={(e) => setCommand(e.target.value)} />
        <label className="muted">
          at once <input className="input run-concurrency" type="number" min={1} max={200} value={concurrency} onChange={(e) => setConcurrency(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <button type="submit" className={confirming ? 'button button-danger' : 'button button-primary'} data-testid="run-go" disabled={running || picked.length === 0 || !command.trim()}>
          {confirming ? `Run on ${production.length} production hosts — confirm` : `Run on ${picked.length}`}
        </button>
        {running ? (
          <button type="button" className="button" onClick={() => run.current?.close()}>
            Stop
          </button>
        ) : null}
        {!running && failed.length > 0 ? (
          <button type="button" className="button" data-testid="run-failed-again" title="Logins that were refused are tried again (and passwords asked for again)" onClick={() => start(failed, true)}>
            Run again on the {failed.length} failed
          </button>
        ) : null}
      </form>
      {rows.length > 0 ? (
        <table className="run-results" data-testid="run-results">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">State</th>
              <th scope="col">Exit</th>
              <th scope="col">Time</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.host} data-testid="run-row" data-host={r.host} data-state={r.state}>
                <td>{r.host}</td>
                <td className={`run-state run-${r.state}`}>{r.state}</td>
                <td className="num">{r.code ?? ''}</td>
                <td className="num">{r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(2)} s`}</td>
                <td>
                  {r.error ? <div className="state-text state-critical">{r.error}</div> : null}
                  <pre className="run-output">{r.output}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
