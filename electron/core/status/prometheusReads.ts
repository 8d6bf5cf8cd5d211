import { askedWhole, byKey, FULL_READ, LABELLED_QUERY_IDS, SLOW_QUERY_IDS, type HostKey, type HostSeries, type PromSample, type ReadScope } from './prometheus';

// What the reads of one Prometheus group have told so far, so that a read asks only for what
// changed. The first read (and the first after the hosts changed) asks for every series. The
// reads after it ask only for the series of the hosts Prometheus scraped since the last read, and
// for the families that barely change (memory size, boot time, filesystem sizes) not at all; a
// host absent from such a read keeps its last series: it was not scraped since. Every 5 minutes a
// refresh also asks for `up` and those families whole, replacing what was known of them, and
// maps every host again: a target that went away, and a filesystem unmounted, are seen then. The
// user's own queries are asked whole every time.

/** How often `up` and the slow families are read whole, and every host mapped again. Once a
 * minute, at 10,000 hosts, this was half the CPU of the reads between. */
export const REFRESH_EVERY_MS = 5 * 60_000;
/** How far before the last read a fresh read looks (seconds). A scrape is known by when it started
 * (up's timestamp) and is read once its samples are in, when it ends: one that took longer than
 * this can be missed until the host's next scrape or the next full read. */
const OVERLAP_S = 3;
/** What a kept series has for labels where none is read: the answer's own label objects and
 * strings are not kept (10,000 hosts' worth made every collection of the old generation slower). */
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export interface InstantAnswer {
  series: PromSample[];
  /** When Prometheus evaluated it (seconds, its clock); null with no series. */
  at: number | null;
}

export class PrometheusReads {
  /** By host key, its series by query id. */
  private known = new Map<string, Record<string, PromSample[]>>();
  private since: number | null = null;
  private lastRefresh = -Infinity;
  /** The hosts that brought a refresh forward for their sizes: each once, so that one without
   * them (not Linux) does not make every read a refresh. */
  private sizesAsked = new Set<string>();
  private needRefresh = false;

  constructor(private readonly label: string) {}

  /** What the next read asks for. */
  scope(now: number): ReadScope {
    if (this.since === null) return FULL_READ;
    return { kind: this.needRefresh || now - this.lastRefresh >= REFRESH_EVERY_MS ? 'refresh' : 'fresh', since: this.since };
  }

  /** The hosts changed (added, or a key moved): the next read is a full one. */
  forgetAll(): void {
    this.since = null;
  }

  /**
   * Takes one read's answers (the queries that failed left out), asked with `scope`; returns the
   * keys of the hosts whose series changed, or 'all' after a full read or a refresh.
   */
  take(scope: ReadScope, answers: ReadonlyMap<string, InstantAnswer>, now: number): Set<string> | 'all' {
    let earliest: number | null = null;
    for (const a of answers.values()) if (a.at !== null && (earliest === null || a.at < earliest)) earliest = a.at;
    if (scope.kind === 'full') this.known = new Map();
    const changed = new Set<string>();
    for (const [id, a] of answers) {
      // A query asked whole replaces what was known: a host it no longer has has no such series.
      if (scope.kind !== 'full' && askedWhole(scope, id)) for (const series of this.known.values()) if (series[id]) series[id] = [];
      const scraped = !id.startsWith('query:');
      const labelled = LABELLED_QUERY_IDS.has(id);
      for (const [key, series] of byKey(a.series, this.label)) {
        if (!labelled) for (const s of series) s.metric = NO_LABELS;
        this.host(key)[id] = series;
        if (scraped) changed.add(key);
      }
    }
    if (scope.kind === 'full') {
      // With no series at all there is no time to go from: the next read is a full one again.
      this.since = earliest === null ? null : earliest - OVERLAP_S;
    } else if (earliest !== null) {
      // A read that found nothing new keeps its window: the next one looks from the same time.
      this.since = Math.max(this.since ?? -Infinity, earliest - OVERLAP_S);
    }
    if (scope.kind !== 'fresh') {
      this.lastRefresh = now;
      this.needRefresh = false;
      return 'all';
    }
    // A host up without its memory and filesystem sizes (it came up since the last refresh, or
    // its scrape came in between that refresh's queries) brings the next refresh forward.
    for (const key of changed) {
      if (this.hasSizes(key) || this.sizesAsked.has(key) || !this.isUp(key)) continue;
      this.sizesAsked.add(key);
      this.needRefresh = true;
    }
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

  /** Whether a host has a slow family's series: only a full read or a refresh brings them. */
  private hasSizes(key: string): boolean {
    const series = this.known.get(key);
    for (const id of SLOW_QUERY_IDS) if ((series?.[id]?.length ?? 0) > 0) return true;
    return false;
  }

  private isUp(key: string): boolean {
    const up = this.known.get(key)?.up;
    return up !== undefined && up.length > 0 && up.every((u) => u.value === 1);
  }

}
