import type { ReactNode } from 'react';
import type { FleetProblem } from '../../shared/fleet/model';
import { Banner } from '../parts/Banner';
import { lastGoodVersionNote, problemPlace } from '../parts/format';

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
