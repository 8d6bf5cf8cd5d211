import type { ReactNode } from 'react';
import type { FleetProblem } from '../../../shared/fleet/model';
import { Banner } from '../../parts/Banner';
import { lastGoodVersionNote, problemPlace } from '../../parts/format';
import { useAppStore } from '../../state/react';

// The fleet file on disk is broken; the hosts below are from its last good version. Prominent,
// never blocking: the console keeps working while the user fixes the file.

export function FleetProblemBanner({ problem, loadedAt, meanwhile }: { problem: FleetProblem; loadedAt: number; meanwhile?: string }): ReactNode {
  return (
    <Banner
      tone="warning"
      testId="fleet-problem"
      title={
        <>
          {problemPlace(problem)}: <span className="banner-message">{problem.message}</span> — {lastGoodVersionNote(loadedAt)}
        </>
      }
    >
      Fix the file and save it: the console reloads it by itself.{meanwhile ? ` ${meanwhile}` : ''} <span className="mono muted">{problem.file}</span>
    </Banner>
  );
}

/** The banner over every view while the fleet file on disk is broken and a good version is shown. */
export function CurrentFleetProblem(): ReactNode {
  const problem = useAppStore((s) => s.snapshot?.problem ?? null);
  const loadedAt = useAppStore((s) => s.snapshot?.loadedAt ?? null);
  // Deploys and rollbacks do not start on the last good version (the core refuses): say so where they start.
  const deploying = useAppStore((s) => s.view === 'deploys' || s.view === 'releases');
  const meanwhile = deploying ? 'Until then nothing starts here: a deploy or rollback on the last good version may not be what the file now means.' : undefined;
  return problem && loadedAt !== null ? <FleetProblemBanner problem={problem} loadedAt={loadedAt} {...(meanwhile ? { meanwhile } : {})} /> : null;
}
