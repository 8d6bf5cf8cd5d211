import type { ReactNode } from 'react';
import type { FleetProblem } from '../../../shared/fleet/model';
import { Banner } from '../../parts/Banner';
import { describeProblem, plural } from '../../parts/format';

// What loading the fleet noticed without stopping: an imported host that the fleet file names too
// (the file's own wins), a Match block of ~/.ssh/config skipped. Quiet, but there to read.

export function FleetNotes({ notes }: { notes: readonly FleetProblem[] }): ReactNode {
  if (notes.length === 0) return null;
  return (
    <Banner tone="info" testId="fleet-notes" title={`${plural(notes.length, 'note')} from loading the fleet`}>
      <ul className="fleet-notes">
        {notes.map((note, i) => (
          <li key={i}>{describeProblem(note)}</li>
        ))}
      </ul>
    </Banner>
  );
}
