import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { releaseRows } from '../../../shared/deploy/history';
import { describeLock } from '../../../shared/deploy/lock';
import { stageDrift } from '../../../shared/deploy/stages';
import type { AppSummary } from '../../../shared/fleet/model';
import { useAppStore, useClient } from '../../state/react';
import { AppView } from './AppView';
import { DeployRecordsTable } from './DeployRecordsTable';
import { InlineConfirm } from './InlineConfirm';
import { StagesPanel } from './StagesPanel';
import { useProductionName } from './useProductionName';
import { useStageHosts } from './useStageHosts';

// An app's releases as its hosts report them (releases/, current, revisions.log, the lock — so
// deploys by others, Capistrano included, show too), for an app with stages what each stage runs
// and "Promote", a version grid with each host's stage and drift flagged (within its stage), "roll
// back to this release" after a confirmation of what changes, and the console's own deploy records.

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
  const showView = useAppStore((s) => s.showView);
  // A rollback moves every host of the app that is not on the release.
  const needs = useProductionName(reports?.map((r) => r.host) ?? []);
  const load = useCallback(() => {
    client.call('deploy.releases', { app }).then(setReports, (e: Error) => setError(e.message));
    client.call('deploy.history', { app }).then(setRecords, () => undefined);
  }, [client, app]);
  useEffect(load, [load]);
  if (error) return <p className="state-text state-critical">{error}</p>;
  if (!reports) return <p className="muted">Asking the hosts…</p>;
  const rows = releaseRows(reports);
  const { expectedOf, drifted, stageOf } = stageDrift(reports, byStage);
  /** "host-1 (staging)": where a host is, for an app with stages. */
  const where = (host: string): string => (stageOf.has(host) ? `${host} (${stageOf.get(host)})` : host);

  /** Starts it in the core and shows it live under Deploys (the deploy goes on whatever the view). */
  const launch = (params: { release?: string; resume?: number; undo?: number; promote?: number }): void => {
    setConfirm(null);
    client.call('deploy.start', { app, takeOver: false, ...params }).then(
      () => showView('deploys'),
      (e: Error & { hint?: string }) => setProblem(`${e.message}${e.hint ? ` ${e.hint}` : ''}`),
    );
  };
  const rollBack = (release: string): void => launch({ release });

  return (
    <>
      {byStage ? <StagesPanel app={summary} byStage={byStage} reports={reports} records={records} launch={launch} /> : null}
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
            <th scope="col">Revision</th>
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
            return (
              <tr key={row.release} data-testid="release-row" data-release={row.release}>
                <td className="mono">{row.release}</td>
                <td className="mono">{row.revision ? `${row.branch ?? ''} ${row.revision.slice(0, 10)}` : '—'}</td>
                <td>{row.deployedBy ?? '—'}</td>
                <td>{row.currentOn.map(where).join(', ') || '—'}</td>
                <td>{row.presentOn.length}</td>
                <td>
                  {confirm === row.release ? (
                    <InlineConfirm what={changes.map((r) => `${r.host}: ${r.current ?? 'none'} → ${row.release}`).join('; ')} needs={needs} onCancel={() => setConfirm(null)}>
                      <button type="button" className="button button-danger" data-testid="rollback-confirm" onClick={() => rollBack(row.release)}>
                        Roll back {changes.length} hosts
                      </button>
                    </InlineConfirm>
                  ) : changes.length > 0 && everywhere ? (
                    <button type="button" className="button" data-testid="rollback" onClick={() => setConfirm(row.release)}>
                      Roll back to this release
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <DeployRecordsTable records={records} reports={reports} launch={launch} />
    </>
  );
}

