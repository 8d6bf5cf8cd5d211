import fs from 'node:fs';
import type { FleetSnapshot } from '../../shared/fleet/model';
import { toDisposable, type Disposable } from '../../shared/disposable';
import { parseFleetFile } from './parseFleetFile';

// Owns the fleet file: loads it, reloads it when it changes on disk, and keeps the last good
// version when the new one is broken, so a typo never empties the console.

const MAX_FLEET_FILE_BYTES = 5 * 1024 * 1024;
const RELOAD_DEBOUNCE_MS = 150;

export class FleetService implements Disposable {
  private snapshot: FleetSnapshot;
  private readonly listeners = new Set<(snapshot: FleetSnapshot) => void>();
  private watcher: fs.StatWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;

  constructor(private readonly file: string | null) {
    this.snapshot = { file, loadedAt: null, environments: [], hosts: [], problem: null, revision: 0 };
    this.load();
    if (file) {
      // fs.watchFile polls the path itself, so it keeps working when editors replace the file
      // (write to a temp file, then rename) and when the file does not exist yet.
      this.watcher = fs.watchFile(file, { interval: 500, persistent: false }, () => this.scheduleReload());
    }
  }

  get current(): FleetSnapshot {
    return this.snapshot;
  }

  onChange(listener: (snapshot: FleetSnapshot) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** Reads the file again now. */
  reload(): FleetSnapshot {
    this.load();
    return this.snapshot;
  }

  dispose(): void {
    if (this.file) fs.unwatchFile(this.file);
    this.watcher = null;
    if (this.debounce) clearTimeout(this.debounce);
    this.listeners.clear();
  }

  private scheduleReload(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.load(), RELOAD_DEBOUNCE_MS);
  }

  private load(): void {
    const revision = this.snapshot.revision + 1;
    if (!this.file) {
      this.publish({ ...this.snapshot, revision });
      return;
    }
    const problem = (message: string) => ({ file: this.file!, line: 0, column: 0, message });
    let text: string;
    try {
      const size = fs.statSync(this.file).size;
      if (size > MAX_FLEET_FILE_BYTES) {
        this.publish({ ...this.snapshot, revision, problem: problem(`the file is ${Math.round(size / 1048576)} MB; a fleet file may be at most 5 MB.`) });
        return;
      }
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? 'the file does not exist (yet): create it and the console loads it.' : `cannot read the file: ${(error as Error).message}`;
      this.publish({ ...this.snapshot, revision, problem: problem(message) });
      return;
    }
    const result = parseFleetFile(text, this.file);
    if (result.ok) {
      this.publish({ file: this.file, loadedAt: Date.now(), ...result.fleet, problem: null, revision });
    } else {
      this.publish({ ...this.snapshot, revision, problem: result.problem });
    }
  }

  private publish(snapshot: FleetSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }
}
