import { planSteps, sourceText } from '../../../shared/deploy/plan';
import fs from 'node:fs';
import os from 'node:os';
import { toDisposable, type Disposable } from '../../../shared/disposable';
import type { AppSpec } from '../../../shared/fleet/appSchema';
import { FLEET_FILE_MISSING, type AppSummary, type FleetSnapshot, type Host } from '../../../shared/fleet/model';
import { parseFleetFile } from './parseFleetFile';
import { fetchTargets, type FollowedImport, type RemoteTargets } from './prometheusTargets';

// Owns the fleet file: loads it, reloads it when it or a file it imports changes on disk, and
// keeps the last good version when the new one is broken, so a typo never empties the console.

const MAX_FLEET_FILE_BYTES = 5 * 1024 * 1024;
const RELOAD_DEBOUNCE_MS = 150;
const WATCH_INTERVAL_MS = 500;
/** How often a Prometheus import's targets are asked for again. */
const REMOTE_INTERVAL_MS = 30_000;

export interface FleetServiceOptions {
  /** Where `~` points in the fleet file and its imports; default the user's home. */
  home?: string | undefined;
  /** How often a Prometheus import is asked for its targets (default 30 s). */
  remoteIntervalMs?: number;
}

/** A Prometheus import followed: its latest answer, as JSON to tell a change. */
interface Followed {
  answer: RemoteTargets | undefined;
  json: string;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  auth: string | undefined;
}

export class FleetService implements Disposable {
  private snapshot: FleetSnapshot;
  private specs: Record<string, AppSpec> = {};
  private readonly listeners = new Set<(snapshot: FleetSnapshot) => void>();
  /** The fleet file and the files and folders it imports, with what they looked like when last
   * read (see `signature`). */
  private readonly watched = new Map<string, string>();
  private poller: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private readonly home: string;
  private readonly followed = new Map<string, Followed>();
  private readonly remoteIntervalMs: number;

  constructor(
    private file: string | null,
    options: FleetServiceOptions = {},
  ) {
    this.home = options.home ?? os.homedir();
    this.remoteIntervalMs = options.remoteIntervalMs ?? REMOTE_INTERVAL_MS;
    this.snapshot = { file, loadedAt: null, environments: [], hosts: [], problem: null, revision: 0 };
    this.load();
  }

  get current(): FleetSnapshot {
    return this.snapshot;
  }

  /** An app of the last good fleet file, as written there (for the deploy service). */
  appSpec(name: string): AppSpec | undefined {
    return this.specs[name];
  }

  /** The fleet file in use, or null. */
  get path(): string | null {
    return this.file;
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

  /** Switches to another fleet file (one just written where there was none) and loads it. */
  open(file: string): FleetSnapshot {
    this.file = file;
    this.snapshot = { ...this.snapshot, file };
    this.load();
    return this.snapshot;
  }

  dispose(): void {
    this.watch([]);
    this.follow([]);
    if (this.debounce) clearTimeout(this.debounce);
    this.listeners.clear();
  }

  private scheduleReload(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.load(), RELOAD_DEBOUNCE_MS);
  }

  /** Watches exactly these paths. They are polled rather than watched with fs.watch, so that it
   * keeps working when editors replace a file (write a temp file, then rename) and when a file does
   * not exist yet; and polled here rather than with fs.watchFile, whose first look is taken later,
   * asynchronously, so that a change made right after a load would count as the starting point. */
  private watch(files: string[]): void {
    const wanted = new Set(files);
    for (const file of this.watched.keys()) if (!wanted.has(file)) this.watched.delete(file);
    for (const file of wanted) if (!this.watched.has(file)) this.watched.set(file, signature(file));
    if (this.watched.size > 0 && !this.poller) {
      this.poller = setInterval(() => this.poll(), WATCH_INTERVAL_MS);
      this.poller.unref();
    } else if (this.watched.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = null;
    }
  }

  /** Follows exactly these Prometheus imports: their targets are asked for now and every
   * interval, and an answer that differs from the last reloads the fleet, as a changed file does. */
  private follow(imports: readonly FollowedImport[]): void {
    for (const [url, followed] of this.followed) {
      if (imports.some((i) => i.url === url && i.auth === followed.auth)) continue;
      clearInterval(followed.timer);
      this.followed.delete(url);
    }
    for (const target of imports) {
      if (this.followed.has(target.url)) continue;
      const followed: Followed = { answer: undefined, json: '', inFlight: false, auth: target.auth, timer: setInterval(() => void this.ask(target, followed), this.remoteIntervalMs) };
      followed.timer.unref();
      this.followed.set(target.url, followed);
      void this.ask(target, followed);
    }
  }

  private async ask(target: FollowedImport, followed: Followed): Promise<void> {
    const { url } = target;
    if (followed.inFlight) return;
    followed.inFlight = true;
    try {
      const answer = await fetchTargets(target, Math.min(10_000, this.remoteIntervalMs));
      // Only what hosts are made of: a target's health changing is the status's business.
      const json = JSON.stringify('error' in answer ? answer : answer.targets.map((t) => t.labels));
      if (this.followed.get(url) !== followed || json === followed.json) return;
      followed.answer = answer;
      followed.json = json;
      this.scheduleReload();
    } finally {
      followed.inFlight = false;
    }
  }

  private poll(): void {
    let changed = false;
    for (const [file, before] of this.watched) {
      const now = signature(file);
      if (now !== before) {
        this.watched.set(file, now);
        changed = true;
      }
    }
    if (changed) this.scheduleReload();
  }

  private load(): void {
    const revision = this.snapshot.revision + 1;
    const file = this.file;
    if (!file) {
      this.publish({ ...this.snapshot, revision });
      return;
    }
    const problem = (message: string) => ({ file, line: 0, column: 0, message });
    // Looked at before reading, so that a change made while reading is seen by the next poll.
    this.watched.set(file, signature(file));
    let text: string;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_FLEET_FILE_BYTES) {
        this.watch([...this.watched.keys()]);
        this.publish({ ...this.snapshot, revision, problem: problem(`the file is ${Math.round(size / 1048576)} MB; a fleet file may be at most 5 MB.`) });
        return;
      }
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? `${FLEET_FILE_MISSING}: create it and the console loads it.` : `cannot read the file: ${(error as Error).message}`;
      this.watch([file]);
      this.publish({ ...this.snapshot, revision, problem: problem(message) });
      return;
    }
    const result = parseFleetFile(text, file, { home: this.home, remote: (url) => this.followed.get(url)?.answer });
    this.watch([file, ...result.files]);
    this.follow(result.urls ?? []);
    if (result.ok) {
      const { appSpecs, ...fleet } = result.fleet;
      this.specs = appSpecs;
      const apps = Object.entries(appSpecs).map(([name, spec]) => appSummary(name, spec, fleet.hosts));
      this.publish({ file, loadedAt: Date.now(), ...fleet, ...(apps.length > 0 ? { apps } : {}), problem: null, revision });
    } else {
      this.publish({ ...this.snapshot, revision, problem: result.problem });
    }
  }

  private publish(snapshot: FleetSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }
}

/** What a path looked like: enough to tell that it changed (a rename over it changes the inode,
 * an edit the size or mtime, a file added to a folder the folder's mtime). */
function signature(file: string): string {
  try {
    const stat = fs.statSync(file, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

/** An app's hosts are the hosts of its roles (in its stages' environments, if it names them; in
 * `stage` alone when given). */
export function appHosts(spec: AppSpec, hosts: readonly Host[], stage?: string): Host[] {
  const inStage = (h: Host): boolean => (stage !== undefined ? h.environment === stage : !spec.stages || spec.stages.includes(h.environment));
  return hosts.filter((h) => h.roles.some((r) => spec.roles.includes(r)) && inStage(h));
}

function appSummary(name: string, spec: AppSpec, hosts: readonly Host[]): AppSummary {
  return {
    name,
    roles: spec.roles,
    deployTo: spec.deploy_to,
    source: sourceText(spec.source),
    hosts: appHosts(spec, hosts).map((h) => h.name),
    waves: spec.waves,
    ...(spec.stages ? { stages: spec.stages } : {}),
    plan: planSteps(spec),
  };
}
