import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { formatClock } from '../../parts/format';
import { useClient } from '../../state/react';
import { listRecordings, readRecording } from '../../state/recordingActions';

// Recorded terminal sessions (asciicast v2), replayed in xterm.js at their own pace or faster.

interface Recording {
  id: string;
  host: string;
  startedAt: number;
  bytes: number;
}

/** The output events of an asciicast v2 file: [seconds, text]. */
export function parseAsciicast(text: string): { width: number; height: number; events: Array<[number, string]> } {
  const [head, ...lines] = text.split('\n').filter(Boolean);
  const header = JSON.parse(head ?? '{}') as { version?: number; width?: number; height?: number };
  if (header.version !== 2) throw new Error('not an asciicast v2 recording');
  const events: Array<[number, string]> = [];
  for (const line of lines) {
    const [t, kind, data] = JSON.parse(line) as [number, string, string];
    if (kind === 'o') events.push([t, data]);
  }
  return { width: header.width ?? 80, height: header.height ?? 24, events };
}

export function RecordingsPanel({ onClose }: { onClose: () => void }): ReactNode {
  const client = useClient();
  const [list, setList] = useState<Recording[] | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  useEffect(() => {
    listRecordings(client).then(setList, () => setList([]));
  }, [client]);
  return (
    <section className="recordings" data-testid="recordings">
      <header className="view-header">
        <h1>Recordings</h1>
        <button type="button" className="button" onClick={onClose}>
          ← Terminals
        </button>
      </header>
      {list?.length === 0 ? <p className="muted">No recordings yet. Tick "Record new terminals", then open a shell.</p> : null}
      <ul className="recording-list">
        {list?.map((r) => (
          <li key={r.id}>
            <button type="button" className="link" data-testid="recording" data-host={r.host} onClick={() => setPlaying(r.id)}>
              {r.host}
            </button>{' '}
            <span className="muted">
              {new Date(r.startedAt).toLocaleDateString()} {formatClock(r.startedAt)} · {Math.ceil(r.bytes / 1024)} kB · {r.id}
            </span>
          </li>
        ))}
      </ul>
      {playing ? <Player key={playing} id={playing} /> : null}
    </section>
  );
}

function Player({ id }: { id: string }): ReactNode {
  const client = useClient();
  const box = useRef<HTMLDivElement>(null);
  const [speed, setSpeed] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let term: Terminal | null = null;
    // The recording may arrive after this effect was cleaned up (another recording picked, a
    // re-render): then it must not open a second terminal in the same box.
    let gone = false;
    const timers: ReturnType<typeof setTimeout>[] = [];
    setDone(false);
    readRecording(client, id).then(
      (text) => {
        if (gone) return;
        try {
          const cast = parseAsciicast(text);
          term = new Terminal({ cols: cast.width, rows: cast.height, fontSize: 13, disableStdin: true });
          term.open(el);
          for (const [t, data] of cast.events) timers.push(setTimeout(() => term?.write(data), (t * 1000) / speed));
          timers.push(setTimeout(() => setDone(true), ((cast.events.at(-1)?.[0] ?? 0) * 1000) / speed + 50));
        } catch (e) {
          setError((e as Error).message);
        }
      },
      (e: Error) => !gone && setError(e.message),
    );
    return () => {
      gone = true;
      timers.forEach(clearTimeout);
      term?.dispose();
    };
  }, [client, id, speed]);
  return (
    <div className="player" data-testid="player" data-done={done}>
      <div className="range-picker" role="group" aria-label="Speed">
        {[1, 4, 20].map((s) => (
          <button key={s} type="button" className="button" aria-pressed={s === speed} onClick={() => setSpeed(s)}>
            {s}×
          </button>
        ))}
      </div>
      {error ? <p className="state-text state-critical">{error}</p> : null}
      <div ref={box} className="player-box" />
    </div>
  );
}
