import type { ReactNode } from 'react';
import type { CheckStateName } from '../../../shared/status/schema';
import { parseTallyKey, tallyKey } from '../../state/hostTally';
import type { StateCounts as Counts } from '../../state/status';
import { useAppStore } from '../../state/react';

// Counts per state: as filter chips above the map, and as small numbers in headers.

const ORDER: readonly CheckStateName[] = ['CRITICAL', 'WARNING', 'UNKNOWN', 'OK'];

/** The state counts of these hosts, re-rendering the caller only when a number changes. A host
 * not polled yet counts as UNKNOWN. */
function useCounts(hosts: readonly string[]): Counts {
  const { PENDING, UNKNOWN, ...known } = parseTallyKey(useAppStore((s) => tallyKey(hosts, s)));
  return { ...known, UNKNOWN: UNKNOWN + PENDING };
}

export function StateChips({ hosts }: { hosts: readonly string[] }): ReactNode {
  const counts = useCounts(hosts);
  const filter = useAppStore((s) => s.stateFilter);
  const setFilter = useAppStore((s) => s.setStateFilter);
  return (
    <div className="state-chips" role="group" aria-label="Show hosts in state">
      {ORDER.map((state) => (
        <button
          key={state}
          type="button"
          className={`state-chip state-chip-${state.toLowerCase()}`}
          data-testid={`state-chip-${state}`}
          aria-pressed={filter === state}
          onClick={() => setFilter(filter === state ? null : state)}
        >
          <span className={`state-dot state-${state.toLowerCase()}`} aria-hidden="true" />
          {state} <span className="num">{counts[state]}</span>
        </button>
      ))}
    </div>
  );
}

export function StateCounts({ hosts, compact = false }: { hosts: readonly string[]; compact?: boolean }): ReactNode {
  const counts = useCounts(hosts);
  return (
    <span className={compact ? 'state-counts state-counts-compact' : 'state-counts'}>
      {ORDER.filter((s) => counts[s] > 0).map((state) => (
        <span key={state} className={`state-count state-${state.toLowerCase()}`} title={`${counts[state]} ${state}`}>
          <span className="state-dot" aria-hidden="true" />
          {counts[state]}
          {compact ? null : ` ${state.toLowerCase()}`}
        </span>
      ))}
    </span>
  );
}
