import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Subscription } from '../../client';
import { NO_CRITERIA } from '../../state/pickHosts';
import { plural } from '../../parts/format';
import { useClient } from '../../state/react';
import { openTail } from '../../state/runActions';
import { HostPicker, usePicked } from './HostPicker';

// A log file followed on many hosts at once, merged into one stream with a coloured host prefix,
// pausable and filterable. The newest 5,000 lines are kept.

const MAX_LINES = 5000;
// Eight hues, none grey: a grey host name reads as muted, as if its lines mattered less.
const PALETTE = ['#2f64d6', '#1f8a3d', '#a86400', '#7a4fc2', '#c8302b', '#0f7c8c', '#9c3d8f', '#8f7f00'];

interface Line {
  n: number;
  host: string;
  text: string;
}

export function hostColour(host: string): string {
  let h = 0;
  for (let i = 0; i < host.length; i++) h = (h * 31 + host.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/**
 * A file every Debian and Ubuntu host has and any login may read (0644): dpkg's log of package
 * changes, which follows an apt upgrade across the fleet. /var/log/syslog, the usual choice, is
 * absent on Debian 12 and later, which log to the journal unless rsyslog is installed.
 */
const DEFAULT_LOG = '/var/log/dpkg.log';
/** Offered as the path is typed; the first three exist only where their daemon is installed. */
const COMMON_LOGS = ['/var/log/syslog', '/var/log/auth.log', '/var/log/nginx/error.log', '/var/log/nginx/access.log', DEFAULT_LOG];

export function LogsPanel(): ReactNode {
  const client = useClient();
  const [criteria, setCriteria] = useState(NO_CRITERIA);
  const picked = usePicked(criteria);
  const [path, setPath] = useState(DEFAULT_LOG);
  const [lines, setLines] = useState<Line[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [ended, setEnded] = useState<string[]>([]);
  const tail = useRef<Subscription | null>(null);
  const held = useRef<Line[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  const counter = useRef(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  useEffect(() => () => tail.current?.close(), []);

  const start = (): void => {
    tail.current?.close();
    setLines([]);
    setEnded([]);
    held.current = [];
    tail.current = openTail(client, { hosts: picked.map((h) => h.name), path, lines: 20 }, {
      onEvent: (e) => {
        if (e.kind === 'ended') return setEnded((x) => [...x, `${e.host}: ${e.error ?? 'tail ended'}`]);
        const fresh = e.lines.map((text) => ({ n: counter.current++, host: e.host, text }));
        if (pausedRef.current) {
          held.current = [...held.current, ...fresh].slice(-MAX_LINES);
          setHeldCount(held.current.length);
        } else setLines((x) => [...x, ...fresh].slice(-MAX_LINES));
      },
    });
  };
  const resume = (): void => {
    const waiting = held.current;
    held.current = [];
    setLines((x) => [...x, ...waiting].slice(-MAX_LINES));
    setHeldCount(0);
    setPaused(false);
  };
  const shown = filter ? lines.filter((l) => `${l.host} ${l.text}`.toLowerCase().includes(filter.toLowerCase())) : lines;

  return (
    <section className="logs-panel" aria-label="Tail logs">
      <HostPicker criteria={criteria} onChange={setCriteria} picked={picked} />
      <form
        className="run-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (picked.length > 0 && path.trim()) start();
        }}
      >
        <input className="input run-command mono" data-testid="tail-path" aria-label="Log file" list="common-logs" autoFocus value={path} onChange={(e) => setPath(e.target.value)} />
        <datalist id="common-logs">
          {COMMON_LOGS.map((file) => (
            <option key={file} value={file} />
          ))}
        </datalist>
        <button type="submit" className="button button-primary" data-testid="tail-go" disabled={picked.length === 0}>
          Follow on {plural(picked.length, 'host')}
        </button>
        <button type="button" className="button" data-testid="tail-pause" aria-pressed={paused} onClick={() => (paused ? resume() : setPaused(true))}>
          {paused ? `Resume (${heldCount} new)` : 'Pause'}
        </button>
        <button type="button" className="button" onClick={() => tail.current?.close()}>
          Stop
        </button>
        <input className="input" aria-label="Filter lines" placeholder="filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </form>
      {ended.length > 0 ? (
        <p className="muted" data-testid="tail-ended">
          {ended.join(' · ')}
        </p>
      ) : null}
      <div className="log-lines mono" data-testid="log-lines" role="log">
        {shown.map((l) => (
          <div key={l.n} className="log-line" data-host={l.host}>
            <span className="log-host" style={{ color: hostColour(l.host) }}>
              {l.host}
            </span>{' '}
            {l.text}
          </div>
        ))}
      </div>
    </section>
  );
}
