import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import type { RunEvent } from '../../../shared/contract/run';
import type { StreamParams } from '../../../shared/api';
import type { Subscription } from '../../client';
import { NO_CRITERIA, productionHosts } from '../../state/pickHosts';
import { plural } from '../../parts/format';
import { useClient } from '../../state/react';
import { startRun } from '../../state/runActions';
import { HostPicker, usePicked } from './HostPicker';

// A command on many hosts: each host's state, exit code, duration and output as they arrive, and
// "run again on the failed ones".

interface HostRun {
  host: string;
  state: 'queued' | 'running' | 'ok' | 'failed';
  code: number | null;
  durationMs: number | null;
  /** In arrival order, each piece with its stream: stderr is shown apart from stdout. */
  output: { stream: 'stdout' | 'stderr'; data: string }[];
  error: string | null;
}

/** The run on screen: its command and hosts stay with its output. */
interface ShownRun {
  command: string;
  rows: HostRun[];
}

type Action = { type: 'start'; command: string; hosts: string[] } | { type: 'event'; event: RunEvent };

function reduce(run: ShownRun | null, action: Action): ShownRun | null {
  if (action.type === 'start') return { command: action.command, rows: action.hosts.map((host) => ({ host, state: 'queued', code: null, durationMs: null, output: [], error: null })) };
  const e = action.event;
  if (!run || e.kind === 'done') return run;
  const rows = run.rows.map((r): HostRun => {
    if (r.host !== e.host) return r;
    switch (e.kind) {
      case 'started':
        return { ...r, state: 'running' };
      case 'output': {
        const last = r.output.at(-1);
        if (last?.stream === e.stream) return { ...r, output: [...r.output.slice(0, -1), { stream: e.stream, data: last.data + e.data }] };
        return { ...r, output: [...r.output, { stream: e.stream, data: e.data }] };
      }
      case 'finished':
        return { ...r, state: e.code === 0 ? 'ok' : 'failed', code: e.code, durationMs: e.durationMs };
      case 'failed':
        return { ...r, state: 'failed', error: e.error, durationMs: e.durationMs };
    }
  });
  return { ...run, rows };
}

export function RunPanel(): ReactNode {
  const [criteria, setCriteria] = useState(NO_CRITERIA);
  const picked = usePicked(criteria);
  const [command, setCommand] = useState('');
  const [concurrency, setConcurrency] = useState(10);
  const { shown, running, startRun: startOn, stop } = useCommandRun();
  const confirmInput = useRef<HTMLInputElement>(null);
  // Production hosts need their environment's name typed, as a deploy does. What was typed is for
  // one command on one set of hosts: a change asks again.
  const production = productionHosts(picked);
  const needs = production[0]?.environment ?? null;
  const asked = JSON.stringify([command, picked.map((h) => h.name)]);
  const [typed, setTyped] = useState({ asked: '', text: '' });
  const confirmed = needs === null || (typed.asked === asked && typed.text === needs);
  const ready = !running && picked.length > 0 && command.trim() !== '';

  const start = (hosts: string[], retry = false): void => {
    setTyped({ asked: '', text: '' });
    startOn({ hosts, command, concurrency, retry });
  };
  const failed = shown?.rows.filter((r) => r.state === 'failed').map((r) => r.host) ?? [];

  return (
    <section className="run-panel" aria-label="Run a command">
      <HostPicker criteria={criteria} onChange={setCriteria} picked={picked} />
      <form
        className="run-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          if (!confirmed) return confirmInput.current?.focus();
          start(picked.map((h) => h.name));
        }}
      >
        <input
          className="input run-command mono"
          data-testid="run-command"
          aria-label="Command"
          placeholder="uptime"
          autoFocus
          value={command} onChange={(e) => setCommand(e.target.value)}
          onKeyDown={(e) => {
            // Enter never runs on production: it goes to the confirmation (the button waits for it).
            if (e.key === 'Enter' && ready && !confirmed) {
              e.preventDefault();
              confirmInput.current?.focus();
            }
          }}
        />
        <label className="muted">
          at once <input className="input run-concurrency" type="number" min={1} max={200} value={concurrency} onChange={(e) => setConcurrency(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        {needs !== null && ready ? (
          <input
            ref={confirmInput}
            className="input confirm-name"
            data-testid="run-confirm"
            aria-label={`Type ${needs} to run on its hosts`}
            placeholder={`type "${needs}" to confirm`}
            value={typed.asked === asked ? typed.text : ''}
            onChange={(e) => setTyped({ asked, text: e.target.value })}
          />
        ) : null}
        <button type="submit" className={needs !== null ? 'button button-danger' : 'button button-primary'} data-testid="run-go" disabled={!ready || !confirmed}>
          {runLabel(picked.length, production.length)}
        </button>
        {running ? (
          <button type="button" className="button" onClick={stop}>
            Stop
          </button>
        ) : null}
        {!running && failed.length > 0 ? (
          <button type="button" className="button" data-testid="run-failed-again" title="Logins that were refused are tried again (and passwords asked for again)" onClick={() => start(failed, true)}>
            Run again on the {failed.length} failed
          </button>
        ) : null}
      </form>
      {shown ? <RunResults run={shown} /> : null}
    </section>
  );
}

/** One command's run at a time: starting another closes the one before; leaving the panel stops it. */
function useCommandRun(): { shown: ShownRun | null; running: boolean; startRun(params: StreamParams<'run.start'>): void; stop(): void } {
  const client = useClient();
  const [shown, dispatch] = useReducer(reduce, null);
  const [running, setRunning] = useState(false);
  const run = useRef<Subscription | null>(null);
  useEffect(() => () => run.current?.close(), []);
  const start = (params: StreamParams<'run.start'>): void => {
    run.current?.close();
    dispatch({ type: 'start', command: params.command, hosts: params.hosts });
    setRunning(true);
    run.current = startRun(client, params, {
      onEvent: (event) => {
        dispatch({ type: 'event', event });
        if (event.kind === 'done') setRunning(false);
      },
      onEnd: () => setRunning(false),
    });
  };
  return { shown, running, startRun: start, stop: () => run.current?.close() };
}

/** "Run on 3 hosts", and how many of them are production ones. */
function runLabel(hosts: number, production: number): string {
  if (production === 0) return `Run on ${plural(hosts, 'host')}`;
  return production === hosts ? `Run on ${plural(hosts, 'production host')}` : `Run on ${plural(hosts, 'host')} (${production} in production)`;
}

function RunResults({ run }: { run: ShownRun }): ReactNode {
  return (
    <>
      <p className="run-shown" data-testid="run-shown-command">
        <span className="muted">Ran on {plural(run.rows.length, 'host')}:</span> <code className="mono">{run.command}</code>
      </p>
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
          {run.rows.map((r) => (
            <tr key={r.host} data-testid="run-row" data-host={r.host} data-state={r.state}>
              <td>{r.host}</td>
              <td className={`run-state run-${r.state}`}>{r.state}</td>
              <td className="num">{r.code ?? ''}</td>
              <td className="num">{r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(2)} s`}</td>
              <td>
                {r.error ? <div className="state-text state-critical">{r.error}</div> : null}
                <pre className="run-output">
                  {r.output.map((piece, i) => (piece.stream === 'stderr' ? <span key={i} className="run-stderr" data-testid="run-stderr" title="stderr">{piece.data}</span> : <span key={i}>{piece.data}</span>))}
                </pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
