import type { ReactNode } from 'react';
import { EmptyState } from '../../parts/EmptyState';
import { FLEET_FILE_MISSING } from '../../../shared/fleet/model';
import { problemPlace } from '../../parts/format';
import { useAppStore } from '../../state/react';
import { SshConfigOffer } from './SshConfigOffer';

// What the fleet view says when it has no hosts to list, and what to do about it.

const EXAMPLE = `environments:
  staging:
    roles:
      app: [stg-app-1, stg-app-2]
  production:
    roles:
      lb:  [lb-1]
      app: ["app-[01:06]"]
      db:  [db-1]`;

export function WaitingForFleet(): ReactNode {
  const connected = useAppStore((s) => s.connection.status === 'connected');
  return <p className="muted waiting">{connected ? 'Loading the fleet…' : 'Waiting for the core…'}</p>;
}

export function NoFleetFile(): ReactNode {
  return (
    <EmptyState icon="file" title="No fleet file" testId="fleet-empty">
      <p>Fleetdeck lists the hosts of a fleet file. There is none yet: write one from the hosts you already have, or by hand.</p>
      <SshConfigOffer />
      <p>Fleetdeck looks for a fleet file in this order:</p>
      <ol className="steps">
        <li>
          <code>--fleet FILE</code> on the command line
        </li>
        <li>
          <code>FLEETDECK_FLEET=FILE</code> in the environment
        </li>
        <li>
          <code>./fleet.yaml</code> in the folder Fleetdeck starts in
        </li>
        <li>
          <code>fleet.yaml</code> in your Fleetdeck config folder
        </li>
      </ol>
      <p>A small one to start from (a host's address defaults to its name):</p>
      <pre className="code-block">{EXAMPLE}</pre>
      <p>
        To try the console on real hosts, <code>npm run demo</code> starts a test fleet on this machine and opens it.
      </p>
    </EmptyState>
  );
}

export function BrokenFleetFile(): ReactNode {
  const problem = useAppStore((s) => s.snapshot?.problem);
  if (!problem) return null;
  if (problem.message.startsWith(FLEET_FILE_MISSING)) return <MissingFleetFile file={problem.file} />;
  return (
    <EmptyState icon="alert" tone="critical" title="The fleet file could not be loaded" testId="fleet-problem">
      <p className="problem-text">
        <strong>{problemPlace(problem)}:</strong> {problem.message}
      </p>
      <p>Fix the file and save it: the console reloads it by itself.</p>
      <p className="mono muted path-line">{problem.file}</p>
    </EmptyState>
  );
}

/** The fleet file named on the command line (or in FLEETDECK_FLEET) is not there yet: write it from
 * ~/.ssh/config, or create it by hand. */
function MissingFleetFile({ file }: { file: string }): ReactNode {
  return (
    <EmptyState icon="file" title="The fleet file does not exist yet" testId="fleet-missing">
      <p>
        Fleetdeck was told to use <code className="mono path-line">{file}</code>, which is not there. Write it from the hosts you already have,
        or create it by hand: the console loads it as soon as it appears.
      </p>
      <SshConfigOffer />
      <p>A small one to start from (a host's address defaults to its name):</p>
      <pre className="code-block">{EXAMPLE}</pre>
    </EmptyState>
  );
}

export function EmptyFleet(): ReactNode {
  return (
    <EmptyState icon="fleet" title="The fleet file names no hosts" testId="fleet-empty">
      <p>Add an environment with a role and its hosts, then save: the console reloads the file by itself.</p>
      <pre className="code-block">{EXAMPLE}</pre>
    </EmptyState>
  );
}

export function NoMatch({ search }: { search: string }): ReactNode {
  const setSearch = useAppStore((s) => s.setSearch);
  return (
    <EmptyState icon="search" title={`No host matches “${search.trim()}”`} testId="fleet-no-match">
      <p>The search looks at host names, addresses, roles, environments and labels (key=value); every word must match.</p>
      <button type="button" className="button" onClick={() => setSearch('')}>
        Clear the search
      </button>
    </EmptyState>
  );
}
