import { useEffect, useState, type ReactNode } from 'react';
import type { RollbackPlanMessage } from '../../../shared/contract/deploy';
import { releaseName } from '../../../shared/deploy/release';
import { plannedHosts } from '../../../shared/deploy/rollbackPlan';
import { plural } from '../../../shared/text';
import { planRollback } from '../../state/deployActions';
import { useClient } from '../../state/react';
import { InlineConfirm } from './InlineConfirm';
import { useProductionName } from './useProductionName';

// A rollback's confirmation: the plan the core made from what the hosts run now — each host it
// moves, per stage and wave, from which release to which — and the hosts it leaves alone. Starting
// sends the plan's id, and the core runs that plan or refuses if the hosts changed since.

export function RollbackConfirm({
  app,
  release,
  onCancel,
  launch,
}: {
  app: string;
  release: string;
  onCancel(): void;
  launch(params: { release: string; plan: string }): void;
}): ReactNode {
  const client = useClient();
  const [plan, setPlan] = useState<RollbackPlanMessage | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    planRollback(client, app, release).then(
      (p) => live && setPlan(p),
      (e: Error) => live && setProblem(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, app, release]);
  const hosts = plan ? plannedHosts(plan) : [];
  const needs = useProductionName(hosts);
  if (problem) {
    return (
      <div className="rollback-plan" data-testid="rollback-plan">
        <p className="state-text state-critical">{problem}</p>
        <button type="button" className="button" onClick={onCancel}>
          Close
        </button>
      </div>
    );
  }
  if (!plan) return <p className="muted">Asking the hosts what a rollback to {release} would change…</p>;
  return (
    <div className="rollback-plan" data-testid="rollback-plan">
      <p>
        <strong>
          Roll {app} back to <span className="mono">{releaseName(release, plan.facts)}</span>
        </strong>{' '}
        — {plural(hosts.length, 'host')} in {plural(plan.waves.length, 'wave')}, each health-gated:
      </p>
      <table className="events">
        <thead>
          <tr>
            {plan.waves.some((w) => w.stage) ? <th scope="col">Stage</th> : null}
            <th scope="col">Wave</th>
            <th scope="col">Host</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {plan.waves.flatMap((wave, i) =>
            wave.hosts.map((h) => (
              <tr key={h.host} data-testid="plan-host" data-host={h.host} data-wave={i + 1} data-stage={wave.stage ?? ''}>
                {wave.stage ? <td>{wave.stage}</td> : null}
                <td>{i + 1}</td>
                <td>{h.host}</td>
                <td className="mono">{releaseName(h.from, plan.facts)}</td>
                <td className="mono">{releaseName(h.to, plan.facts)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {plan.unchanged.length > 0 ? (
        <p className="muted" data-testid="plan-unchanged">
          Not touched (already on {release}): {plan.unchanged.join(', ')}.
        </p>
      ) : null}
      <InlineConfirm what="" needs={needs} onCancel={onCancel} testId="rollback-confirm-bar">
        <button type="button" className="button button-danger" data-testid="rollback-confirm" onClick={() => launch({ release, plan: plan.id })}>
          Roll back {plural(hosts.length, 'host')}
          {needs ? ` (${needs})` : ''}
        </button>
      </InlineConfirm>
    </div>
  );
}
