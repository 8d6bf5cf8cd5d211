import { Fragment, useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { releaseRows } from '../../../shared/deploy/history';
import { describeLock } from '../../../shared/deploy/lock';
import { factsOf, releaseFacts, releaseOrigin, shortRevision } from '../../../shared/deploy/release';
import { stageDrift } from '../../../shared/deploy/stages';
import type { AppSummary } from '../../../shared/fleet/model';
import { loadDeployRecords, loadReleases, startDeploy } from '../../state/deployActions';
import { useAppStore, useClient } from '../../state/react';
import { AppView } from './AppView';
import { DeployRecordsTable } from './DeployRecordsTable';
import { RollbackConfirm } from './RollbackConfirm';
import { StagesPanel } from './StagesPanel';
import { useStageHosts } from './useStageHosts';

// An app's releases as its hosts report them (releases/, current, revisions.log, the lock — so
// deploys by others, Capistrano included, show too), for an app with stages what each stage runs
// and "Promote", a version grid with each host's stage and drift flagged (within its stage), "roll
// back to this release" after a confirmation of the core's plan (which host goes from what to what),
// and the console's own deploy records. Refresh asks the hosts again without leaving the view.

export function ReleasesView(): ReactNode {
  return (
    <AppView title="Releases" icon="releases" testId="releases-view">
      {(app) => <ReleaseTable key={app.name} summary={app} />}
    </AppView>
  );
}

function ReleaseTable({ summary }: { summary: AppSummary }): ReactNode {
  const app = summary.name;
  const client = useClient();
  const byStage = useStageHosts(summary);
  const [reports, setReports] = useState<HostReleasesMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [records, setRecords] = useState<DeployRecordMessage[]>([]);
  const [askedAt, setAskedAt] = useState<number | null>(null);
  const showDeploys = useAppStore((s) => s.showDeploys);
  const load = useCallback(() => {
    loadReleases(client, app).then(
      (r) => {
        setReports(r);
        setError(null);
        setAskedAt(Date.now());
      },
      (e: Error) => setError(e.message),
    );
    loadDeployRecords(client, app).then(setRecords, () => undefined);
  }, [client, app]);
  useEffect(load, [load]);
  const refresh = (
    <p className="view-actions">
      <button type="button" className="button" data-testid="releases-refresh" onClick={load}>
        Refresh
      </button>{' '}
      {askedAt ? <span className="muted">as the hosts said at {new Date(askedAt).toLocaleTimeString()}</span> : null}
    </p>
  );
  if (error) {
    return (
      <>
        {refresh}
        <p className="state-text state-critical">{error}</p>
      </>
    );
  }
  if (!reports) return <p className="muted">Asking the hosts…</p>;
  const rows = releaseRows(reports);
  const facts = releaseFacts(
    reports.flatMap((r) => r.log),
    records,
  );
  const { expectedOf, drifted, stageOf } = stageDrift(reports, byStage);
  /** "host-1 (staging)": where a host is, for an app with stages. */
  const where = (host: string): string => (stageOf.has(host) ? `${host} (${stageOf.get(host)})` : host);

  /** Starts it in the core and shows it live under Deploys, on this app (the deploy goes on whatever the view). */
  const launch = (params: { release?: string; plan?: string; resume?: number; undo?: number; promote?: number }): void => {
    setConfirm(null);
    startDeploy(client, { app, takeOver: false, ...params }).then(
      () => showDeploys(app),
      (e: Error & { hint?: string }) => setProblem(`${e.message}${e.hint ? ` ${e.hint}` : ''}`),
    );
  };

  return (
    <>
      {refresh}
      {byStage ? <StagesPanel app={summary} byStage={byStage} reports={reports} records={records} facts={facts} launch={launch} /> : null}
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
      {problem ? (
        <p className="state-text state-critical" data-testid="releases-problem">
          {problem}
        </p>
      ) : null}
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
                      <RollbackConfirm app={app} release={row.release} onCancel={() => setConfirm(null)} launch={launch} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <DeployRecordsTable records={records} reports={reports} facts={facts} launch={launch} />
    </>
  );
}

