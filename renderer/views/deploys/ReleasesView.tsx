import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { drift, releaseRows } from '../../../shared/deploy/history';
import { useAppStore, useClient } from '../../state/react';
import { AppView } from './AppView';

// An app's releases as its hosts report them (releases/, current, revisions.log — so deploys by
// others, Capistrano included, show too), a version grid with drift flagged, and "roll back to
// this release" after a confirmation of what changes.

export function ReleasesView(): ReactNode {
  return (
    <AppView title="Releases" icon="releases" testId="releases-view">
      {(app) => <ReleaseTable key={app.name} app={app.name} />}
    </AppView>
  );
}

function ReleaseTable({ app }: { app: string }): ReactNode {
  const client = useClient();
  const [reports, setReports] = useState<HostReleasesMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [records, setRecords] = useState<DeployRecordMessage[]>([]);
  const showView = useAppStore((s) => s.showView);
  const load = useCallback(() => {
    client.call('deploy.releases', { app }).then(setReports, (e: Error) => setError(e.message));
    client.call('deploy.history', { app }).then(setRecords, () => undefined);
  }, [client, app]);
  useEffect(load, [load]);
  if (error) return <p className="state-text state-critical">{error}</p>;
  if (!reports) return <p className="muted">Asking the hosts…</p>;
  const rows = releaseRows(reports);
  const { expected, drifted } = drift(reports);

  /** Starts it in the core and shows it live under Deploys (the deploy goes on whatever the view). */
  const launch = (params: { release?: string; resume?: number; undo?: number }): void => {
    setConfirm(null);
    client.call('deploy.start', { app, takeOver: false, ...params }).then(
      () => showView('deploys'),
      (e: Error & { hint?: string }) => setOutcome(`${e.message}${e.hint ? ` ${e.hint}` : ''}`),
    );
  };
  const rollBack = (release: string): void => launch({ release });

  return (
    <>
      <table className="events" data-testid="version-grid">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Current release</th>
            <th scope="col">Releases on the host</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.host} data-testid="version-row" data-host={r.host} data-drift={drifted.includes(r.host)}>
              <td>{r.host}</td>
              <td className="mono">
                {r.error ? <span className="state-text state-critical">{r.error}</span> : (r.current ?? 'none')}
                {drifted.includes(r.host) ? <span className="state-text state-warning"> · drift: most hosts run {expected}</span> : null}
                {r.lock ? (
                  <span className="state-text state-warning" data-testid="host-lock">
                    {' '}
                    · locked by {r.lock}
                  </span>
                ) : null}
              </td>
              <td className="muted">{r.releases.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {outcome ? (
        <p className="deploy-done" data-testid="rollback-outcome">
          {outcome}
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
                <td>{row.currentOn.join(', ') || '—'}</td>
                <td>{row.presentOn.length}</td>
                <td>
                  {confirm === row.release ? (
                    <span className="rollback-confirm">
                      {changes.map((r) => `${r.host}: ${r.current ?? 'none'} → ${row.release}`).join('; ')}{' '}
                      <button type="button" className="button button-danger" data-testid="rollback-confirm" onClick={() => rollBack(row.release)}>
                        Roll back {changes.length} hosts
                      </button>{' '}
                      <button type="button" className="button" onClick={() => setConfirm(null)}>
                        Cancel
                      </button>
                    </span>
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
      <h2>Deploys from this console</h2>
      {records.length === 0 ? <p className="muted">None yet.</p> : null}
      <table className="events" data-testid="deploy-history">
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-testid="deploy-record" data-outcome={r.outcome ?? 'running'}>
              <td className="num">{new Date(r.startedAt).toLocaleString()}</td>
              <td>{r.kind}</td>
              <td className="mono">{r.release}</td>
              <td className="mono">{r.ref ?? ''}</td>
              <td>
                {r.user}@{r.machine}
              </td>
              <td className="num">{r.finishedAt ? `${((r.finishedAt - r.startedAt) / 1000).toFixed(1)} s` : ''}</td>
              <td>
                <strong>{r.outcome ?? 'running'}</strong> <span className="muted">{r.message}</span>
              </td>
              <td>
                {r.kind === 'deploy' && r.outcome && ['interrupted', 'failed', 'aborted'].includes(r.outcome) ? (
                  confirm === `record:${r.id}` ? (
                    <span className="rollback-confirm" data-testid="record-confirm">
                      {recoveryPlan(r, reports)}{' '}
                      <button type="button" className="button button-primary" data-testid="record-resume" onClick={() => launch({ resume: r.id })} title="Deploy the same release again: what was prepared is re-used, hosts already on it are only checked">
                        Resume the deploy
                      </button>{' '}
                      <button type="button" className="button button-danger" data-testid="record-undo" onClick={() => launch({ undo: r.id })} title="Every host on this release goes back to the release it had before">
                        Roll it back
                      </button>{' '}
                      <button type="button" className="button" onClick={() => setConfirm(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button" data-testid="record-recover" onClick={() => setConfirm(`record:${r.id}`)}>
                      Resume or roll back…
                    </button>
                  )
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** What resuming or undoing a cut-short deploy would do, from what the hosts say now. */
function recoveryPlan(record: DeployRecordMessage, reports: readonly HostReleasesMessage[]): string {
  const mine = reports.filter((r) => record.hosts.includes(r.host));
  const on = mine.filter((r) => r.current === record.release).map((r) => r.host);
  const off = mine.filter((r) => r.current !== record.release).map((r) => `${r.host} (${r.current ?? 'none'})`);
  const locked = mine.filter((r) => r.lock).map((r) => r.host);
  return [
    `${record.release} runs on ${on.join(', ') || 'no host'}; ${off.length ? `not on ${off.join(', ')}` : 'every host has it'}.`,
    locked.length && record.outcome === 'interrupted' ? `The lock it left on ${locked.join(', ')} is taken over.` : '',
  ].join(' ');
}
