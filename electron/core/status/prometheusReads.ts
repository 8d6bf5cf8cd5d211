import { byKey, FULL_READ, type HostKey, type HostSeries, type PromSample, type ReadScope } from './prometheus';

// What the reads of one Prometheus group have told so far, so that a read asks only for what
// changed. A full read (the first, then once a minute, and after the hosts changed) asks for every
// series and replaces all that is known; the reads between ask only for the series of the hosts
// Prometheus scraped since the last read, and the families that barely change (memory size, boot
// time, filesystem sizes) not at all. A host absent from such a read keeps its last series: it
// was not scraped since. So a series that went away from a host that is still scraped (a
// filesystem unmounted) and a target that went away are seen at the next full read.

/** How often every series is read again, whatever changed. */
export const FULL_READ_EVERY_MS = 60_000;
/** How far before the last read a fresh read looks (seconds). A scrape is known by when it started
 * (up's timestamp) and is read once its samples are in, when it ends: one that took longer than
 * this can be missed until the host's next scrape or the next full read. */
const OVERLAP_S = 3;

export interface InstantAnswer {
  series: PromSample[];
  /** When Prometheus evaluated it (seconds, its clock); null with no series. */
  at: number | null;
}

export class PrometheusReads {
  /** By host key, its series by query id. */
  private known = new Map<string, Record<string, PromSample[]>>();
  private since: number | null = null;
  private lastFull = -Infinity;
  /** The hosts up at the last full read: the others have no slowly changing families yet. */
  private upAtFull = new Set<string>();
  private needFull = false;

  constructor(private readonly label: string) {}

  /** What the next read asks for. */
  scope(now: number): ReadScope {
    if (this.since === null || this.needFull || now - this.lastFull >= FULL_READ_EVERY_MS) return FULL_READ;
    return { kind: 'fresh', since: this.since };
  }

  /** The hosts changed (added, or a key moved): the next read is a full one. */
  forgetAll(): void {
    this.since = null;
  }

  /**
   * Takes one read's answers (the queries that failed left out), asked with `scope`; returns the
   * keys of the hosts whose series changed, or 'all' after a full read.
   */
  take(scope: ReadScope, answers: ReadonlyMap<string, InstantAnswer>, now: number): Set<string> | 'all' {
    let earliest: number | null = null;
    for (const a of answers.values()) if (a.at !== null && (earliest === null || a.at < earliest)) earliest = a.at;
    if (scope.kind === 'full') {
      this.known = new Map();
      for (const [id, a] of answers) for (const [key, series] of byKey(a.series, this.label)) this.host(key)[id] = series;
      this.lastFull = now;
      this.needFull = false;
      this.upAtFull = new Set(this.upKeys());
      // With no series at all there is no time to go from: the next read is a full one again.
      this.since = earliest === null ? null : earliest - OVERLAP_S;
      return 'all';
    }
    const changed = new Set<string>();
    for (const [id, a] of answers) {
      const scraped = !id.startsWith('query:');
      for (const [key, series] of byKey(a.series, this.label)) {
        this.host(key)[id] = series;
        if (scraped) changed.add(key);
      }
    }
    // A host that came up since the last full read needs its memory and filesystem sizes.
    for (const key of changed) if (!this.upAtFull.has(key) && this.isUp(key)) this.needFull = true;
    // A read that found nothing new keeps its window: the next one looks from the same time.
    if (earliest !== null) this.since = Math.max(this.since ?? -Infinity, earliest - OVERLAP_S);
    return changed;
  }

  /** A host's series by query id, from the latest reads that had them. */
  readonly seriesOf = (key: string): HostSeries | undefined => this.known.get(key);

  private host(key: string): Record<string, PromSample[]> {
    let series = this.known.get(key);
    if (!series) this.known.set(key, (series = {}));
    return series;
  }

  /** Every host has an `up` of 1 (the targets only say why one has not). */
  everyHostUp(hosts: readonly HostKey[]): boolean {
    return hosts.every((h) => this.isUp(h.key));
  }

  private isUp(key: string): boolean {
    const up = this.known.get(key)?.up;
    return up !== undefined && up.length > 0 && up.every((u) => u.value === 1);
  }

  private *upKeys(): Iterable<string> {
    for (const key of this.known.keys()) if (this.isUp(key)) yield key;
  }
}
