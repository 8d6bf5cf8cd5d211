import type { ReactNode } from 'react';
import type { CheckStateName } from '../../../shared/status/schema';
import type { StateCounts as Counts } from '../../state/status';
import { useAppStore } from '../../state/react';

// Counts per state: as filter chips above the map, and as small numbers in headers.

const ORDER: readonly CheckStateName[] = ['CRITICAL', 'WARNING', 'UNKNOWN', 'OK'];

export function StateChips({ counts }: { counts: Counts }): ReactNode {
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

export function StateCounts({ counts, compact = false }: { counts: Counts; compact?: boolean }): ReactNode {
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
