import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { releaseRows } from '../../../shared/deploy/history';
import { releaseFacts } from '../../../shared/deploy/release';
import { stageDrift } from '../../../shared/deploy/stages';
import type { AppSummary } from '../../../shared/fleet/model';
import { loadDeployRecords, loadReleases, startDeploy } from '../../state/deployActions';
import { useAppStore, useClient } from '../../state/react';
import { AppView } from './AppView';
import { DeployRecordsTable } from './DeployRecordsTable';
import { ReleaseList, VersionGrid } from './ReleaseTables';
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
  const drift = stageDrift(reports, byStage);
  const { stageOf } = drift;
  /** "host-1 (staging)": where a host is, for an app with stages. */
  const where = (host: string): string => (stageOf.has(host) ? `${host} (${stageOf.get(host)})` : host);

  /** Starts it in the core and shows it live under Deploys, on this app (the deploy goes on whatever the view). */
  const launch = (params: { release?: string; plan?: string; resume?: number; undo?: number; promote?: number }): void => {
    startDeploy(client, { app, takeOver: false, ...params }).then(
      () => showDeploys(app),
      (e: Error & { hint?: string }) => setProblem(`${e.message}${e.hint ? ` ${e.hint}` : ''}`),
    );
  };

  return (
    <>
      {refresh}
      {byStage ? <StagesPanel app={summary} byStage={byStage} reports={reports} records={records} facts={facts} launch={launch} /> : null}
      <VersionGrid reports={reports} facts={facts} byStage={byStage !== null && byStage !== undefined} drift={drift} />
      {problem ? (
        <p className="state-text state-critical" data-testid="releases-problem">
          {problem}
        </p>
      ) : null}
      <ReleaseList app={app} rows={rows} reports={reports} facts={facts} where={where} launch={launch} />
      <DeployRecordsTable records={records} reports={reports} facts={facts} launch={launch} />
    </>
  );
}

