import { Fragment, useState, type ReactNode } from 'react';
import type { HostReleasesMessage } from '../../../shared/contract/deploy';
import type { releaseRows } from '../../../shared/deploy/history';
import { describeLock } from '../../../shared/deploy/lock';
import { factsOf, releaseOrigin, shortRevision, type releaseFacts } from '../../../shared/deploy/release';
import type { stageDrift } from '../../../shared/deploy/stages';
import { RollbackConfirm } from './RollbackConfirm';

// The two tables of Releases: each host's current release (with its stage, drift and lock), and
// each release with where it is current and present, and "Roll back to this release".

type Facts = ReturnType<typeof releaseFacts>;
type Launch = (params: { release: string; plan: string }) => void;

export function VersionGrid({
  reports,
  facts,
  byStage,
  drift,
}: {
  reports: HostReleasesMessage[];
  facts: Facts;
  byStage: boolean;
  drift: ReturnType<typeof stageDrift>;
}): ReactNode {
  const { expectedOf, drifted, stageOf } = drift;
  return (
  <table className="events" data-testid="version-grid">
    <thead>
      <tr>
        <th scope="col">Host</th>
        {byStage ? <th scope="col">Stage</th> : null}
        <th scope="col">Current release</th>
        <th scope="col">Releases on the host</th>
      </tr>
    </thead>
    <tbody>
      {reports.map((r) => (
        <tr key={r.host} data-testid="version-row" data-host={r.host} data-drift={drifted.includes(r.host)}>
          <td>{r.host}</td>
          {byStage ? <td data-testid="host-stage">{stageOf.get(r.host) ?? '—'}</td> : null}
          <td className="mono">
            {r.error ? <span className="state-text state-critical">{r.error}</span> : (r.current ?? 'none')}
            {r.current && releaseOrigin(factsOf(facts, r.current)) ? <span className="muted"> ({releaseOrigin(factsOf(facts, r.current))})</span> : null}
            {drifted.includes(r.host) ? <span className="state-text state-warning"> · drift: most hosts{stageOf.has(r.host) ? ` in ${stageOf.get(r.host)}` : ''} run {expectedOf.get(r.host)}</span> : null}
            {r.lock ? (
              <span className={`state-text ${r.lease?.stale ? 'state-critical' : 'state-warning'} host-lock`} data-testid="host-lock" data-lease={r.lease?.stale ? 'stale' : 'live'}>
                {' '}
                · {r.lease ? describeLock(r.lock, r.lease) : `locked by ${r.lock}`}
              </span>
            ) : null}
          </td>
          <td className="muted">{r.releases.length}</td>
        </tr>
      ))}
    </tbody>
  </table>
  );
}

export function ReleaseList(props: {
  app: string;
  rows: ReturnType<typeof releaseRows>;
  reports: HostReleasesMessage[];
  facts: Facts;
  where: (host: string) => string;
  launch: Launch;
}): ReactNode {
  const { app, rows, reports, facts, where, launch } = props;
  const [confirm, setConfirm] = useState<string | null>(null);
  const confirmed: Launch = (params) => {
    setConfirm(null);
    launch(params);
  };
  return (
  <table className="events" data-testid="release-list">
    <thead>
      <tr>
        <th scope="col">Release</th>
        <th scope="col">Made from</th>
        <th scope="col">By</th>
        <th scope="col">Current on</th>
        <th scope="col">Present on</th>
        <th scope="col" />
      </tr>
    </thead>
    <tbody>
      {rows.map((row) => {
        const everywhere = row.presentOn.length === reports.filter((r) => !r.error).length;
        const changes = reports.filter((r) => r.current !== row.release);
        const origin = releaseOrigin(factsOf(facts, row.release));
        return (
          <Fragment key={row.release}>
            <tr data-testid="release-row" data-release={row.release}>
              <td className="mono">{row.release}</td>
              <td className="mono" data-testid="release-origin">{origin || (row.revision ? shortRevision(row.revision) : '—')}</td>
              <td>{row.deployedBy ?? '—'}</td>
              <td>{row.currentOn.map(where).join(', ') || '—'}</td>
              <td>
                {row.presentOn.length}
                {row.archivedOn.length > 0 ? (
                  <span className="muted" data-testid="release-archived" title={`A rollback archived it as rolled-back-release-${row.release}.tar.gz and removed it from releases/ (as Capistrano's rollback does); deploy its ref again to go forward.`}>
                    {' '}
                    · rolled back, archived on {row.archivedOn.join(', ')}
                  </span>
                ) : null}
              </td>
              <td>
                {changes.length > 0 && everywhere && confirm !== row.release ? (
                  <button type="button" className="button" data-testid="rollback" onClick={() => setConfirm(row.release)}>
                    Roll back to this release…
                  </button>
                ) : null}
              </td>
            </tr>
            {confirm === row.release ? (
              <tr>
                <td colSpan={6}>
                  <RollbackConfirm app={app} release={row.release} onCancel={() => setConfirm(null)} launch={confirmed} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        );
      })}
    </tbody>
  </table>
  );
}
