import { useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { isRecoverable, recoveryPlan } from '../../../shared/deploy/history';
import { factsOf, releaseOrigin, shortRevision, type ReleaseFacts } from '../../../shared/deploy/release';
import { InlineConfirm } from './InlineConfirm';
import { useProductionName } from './useProductionName';

// The console's own record of an app's deploys and rollbacks, newest first; a deploy cut short
// (interrupted, failed, aborted) offers to resume it or roll it back, after saying what the hosts
// run now. Each record names its release with the ref and revision it was made from (a failed one
// too, when its hosts got as far as preparing it).

export function DeployRecordsTable({
  records,
  reports,
  facts,
  launch,
}: {
  records: readonly DeployRecordMessage[];
  reports: readonly HostReleasesMessage[];
  facts: Readonly<Record<string, ReleaseFacts>>;
  launch(params: { resume?: number; undo?: number }): void;
}): ReactNode {
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <>
      <h2>Deploys from this console</h2>
      {records.length === 0 ? <p className="muted">None yet.</p> : null}
      <table className="events" data-testid="deploy-history">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">What</th>
            <th scope="col">Release</th>
            <th scope="col">Made from</th>
            <th scope="col">By</th>
            <th scope="col">Took</th>
            <th scope="col">Outcome</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-testid="deploy-record" data-outcome={r.outcome ?? 'running'}>
              <td className="num">{new Date(r.startedAt).toLocaleString()}</td>
              <td data-testid="record-kind">{r.promotedFrom ? `promote ${r.promotedFrom} → ${r.stage}` : `${r.kind}${r.stage ? ` to ${r.stage}` : ''}`}</td>
              <td className="mono">{r.release}</td>
              <td className="mono" data-testid="record-origin">{recordOrigin(r, facts)}</td>
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

/** "v2 c44beba": the record's own ref and revision, else what the hosts' logs say of its release. */
function recordOrigin(r: DeployRecordMessage, facts: Readonly<Record<string, ReleaseFacts>>): string {
  const own = [r.ref, r.revision ? shortRevision(r.revision) : null].filter(Boolean).join(' ');
  return own || releaseOrigin(factsOf(facts, r.release)) || '—';
}
