import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// Terminal sessions recorded as asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/):
// a JSON header line, then one [seconds, "o", text] line per output. Output only: what was
// typed is not recorded, since it holds whatever passwords were typed into the shell.

export interface RecordingInfo {
  id: string;
  host: string;
  startedAt: number;
  bytes: number;
}

const MAX_READ = 50 << 20;

export class Recorder {
  private fd: number | null;
  private readonly started = performance.now();

  constructor(dir: string, readonly host: string, cols: number, rows: number) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const at = Date.now();
    const id = `${host.replace(/[^A-Za-z0-9._-]/g, '_')}-${new Date(at).toISOString().replace(/[:.]/g, '-')}.cast`;
    this.fd = openSync(join(dir, id), 'wx', 0o600);
    this.id = id;
    this.line({ version: 2, width: cols, height: rows, timestamp: Math.floor(at / 1000), title: `Fleetdeck: ${host}`, env: { TERM: 'xterm-256color' } });
  }

  readonly id: string;

  output(data: string): void {
    this.line([Number(((performance.now() - this.started) / 1000).toFixed(6)), 'o', data]);
  }

  resize(cols: number, rows: number): void {
    this.line([Number(((performance.now() - this.started) / 1000).toFixed(6)), 'r', `${cols}x${rows}`]);
  }

  private line(value: unknown): void {
    if (this.fd !== null) writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export function listRecordings(dir: string): RecordingInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.cast'));
  } catch {
    return [];
  }
  return names
    .map((id) => {
      const stat = statSync(join(dir, id));
      const host = id.replace(/-\d{4}-\d\d-\d\dT.*$/, '');
      return { id, host, startedAt: stat.birthtimeMs || stat.mtimeMs, bytes: stat.size };
    })
    .sort((a, b) => b.startedAt - a.startedAt);
}

export function readRecording(dir: string, id: string): string {
  if (!/^[A-Za-z0-9._-]+\.cast$/.test(id)) throw new Error(`"${id}" is not a recording name.`);
  const path = join(dir, id);
  if (statSync(path).size > MAX_READ) throw new Error(`${id} is larger than ${MAX_READ >> 20} MB; play it with asciinema instead.`);
  return readFileSync(path, 'utf8');
}
