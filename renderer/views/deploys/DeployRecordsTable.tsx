import { useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { isRecoverable, recoveryPlan } from '../../../shared/deploy/history';
import { InlineConfirm } from './InlineConfirm';
import { useProductionName } from './useProductionName';

// The console's own record of an app's deploys and rollbacks, newest first; a deploy cut short
// (interrupted, failed, aborted) offers to resume it or roll it back, after saying what the hosts
// run now.

export function DeployRecordsTable({ records, reports, launch }: { records: readonly DeployRecordMessage[]; reports: readonly HostReleasesMessage[]; launch(params: { resume?: number; undo?: number }): void }): ReactNode {
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <>
      <h2>Deploys from this console</h2>
      {records.length === 0 ? <p className="muted">None yet.</p> : null}
      <table className="events" data-testid="deploy-history">
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-testid="deploy-record" data-outcome={r.outcome ?? 'running'}>
              <td className="num">{new Date(r.startedAt).toLocaleString()}</td>
              <td data-testid="record-kind">{r.promotedFrom ? `promote ${r.promotedFrom} → ${r.stage}` : `${r.kind}${r.stage ? ` to ${r.stage}` : ''}`}</td>
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
                {!isRecoverable(r) ? null : confirming === r.id ? (
                  <RecordConfirm record={r} what={recoveryPlan(r, reports)} onCancel={() => setConfirming(null)}>
                    <button type="button" className="button button-primary" data-testid="record-resume" onClick={() => launch({ resume: r.id })} title="Deploy the same release again: what was prepared is re-used, hosts already on it are only checked">
                      Resume the deploy
                    </button>{' '}
                    <button type="button" className="button button-danger" data-testid="record-undo" onClick={() => launch({ undo: r.id })} title="Every host on this release goes back to the release it had before">
                      Roll it back
                    </button>
                  </RecordConfirm>
                ) : (
                  <button type="button" className="button" data-testid="record-recover" onClick={() => setConfirming(r.id)}>
                    Resume or roll back…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Resume or undo touches the record's hosts: production ones need the environment's name typed. */
function RecordConfirm({ record, what, onCancel, children }: { record: DeployRecordMessage; what: string; onCancel(): void; children: ReactNode }): ReactNode {
  const needs = useProductionName(record.hosts);
  return (
    <InlineConfirm what={what} needs={needs} onCancel={onCancel} testId="record-confirm">
      {children}
    </InlineConfirm>
  );
}
