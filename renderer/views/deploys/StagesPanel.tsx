import { useState, type ReactNode } from 'react';
import type { DeployRecordMessage, HostReleasesMessage } from '../../../shared/contract/deploy';
import { planWaves, type WaveSpec } from '../../../shared/deploy/waves';
import { stageStates, type StageState } from '../../../shared/deploy/stages';
import type { AppSummary } from '../../../shared/fleet/model';
import { factsOf, releaseOrigin, type ReleaseFacts } from '../../../shared/deploy/release';
import { plural } from '../../../shared/text';
import { InlineConfirm } from './InlineConfirm';
import { useProductionName } from './useProductionName';

// An app's stages in deploy order — what each one runs now ("staging runs X, production runs Y")
// — and "Promote <release> to <next stage>" for the release a deploy that succeeded there put on
// every host of a stage: the same release id and revision, shipped to the next stage through the
// same waves and gates, after a confirmation that says which host goes from what to what.

export function StagesPanel({
  app,
  byStage,
  reports,
  records,
  facts,
  launch,
}: {
  app: AppSummary;
  byStage: ReadonlyMap<string, readonly string[]>;
  reports: readonly HostReleasesMessage[];
  records: readonly DeployRecordMessage[];
  facts: Readonly<Record<string, ReleaseFacts>>;
  launch(params: { promote: number }): void;
}): ReactNode {
  const [confirming, setConfirming] = useState<string | null>(null);
  const states = stageStates(app.stages ?? [], byStage, reports, records);
  return (
    <ul className="stage-list" data-testid="stages">
      {states.map((s) => (
        <li key={s.stage} data-testid="stage" data-stage={s.stage}>
          <strong>{s.stage}</strong> runs <span className="mono" data-testid="stage-runs">{s.running.join(', ') || 'nothing yet'}</span>
          {s.running.length === 1 && releaseOrigin(factsOf(facts, s.running[0]!)) ? <span className="muted mono"> ({releaseOrigin(factsOf(facts, s.running[0]!))})</span> : null}{' '}
          <span className="muted">on {s.hosts.join(', ') || 'no host'}</span>{' '}
          {!s.promote ? null : confirming === s.stage ? (
            // On a line of its own: the plan is a sentence, and it read as part of the stage's line.
            <div className="stage-confirm">
              <PromoteConfirm
                app={app}
                state={s}
                promote={s.promote}
                toHosts={byStage.get(s.promote.to) ?? []}
                reports={reports}
                onCancel={() => setConfirming(null)}
                launch={launch}
              />
            </div>
          ) : (
            <button type="button" className="button" data-testid="promote" onClick={() => setConfirming(s.stage)}>
              Promote {s.promote.record.release} to {s.promote.to}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function PromoteConfirm({ app, state, promote, toHosts, reports, onCancel, launch }: { app: AppSummary; state: StageState<DeployRecordMessage>; promote: NonNullable<StageState<DeployRecordMessage>['promote']>; toHosts: readonly string[]; reports: readonly HostReleasesMessage[]; onCancel(): void; launch(params: { promote: number }): void }): ReactNode {
  const needs = useProductionName(toHosts);
  const { record, to } = promote;
  const currentOf = new Map(reports.map((r) => [r.host, r.current]));
  const waves = planWaves([...toHosts], app.waves as WaveSpec[]);
  const what = [
    `Promote ${record.release} (revision ${record.revision?.slice(0, 10)}${record.ref ? `, ${record.ref}` : ''}), as ${state.stage} runs it, to ${to}:`,
    toHosts.map((h) => `${h}: ${currentOf.get(h) ?? 'none'} → ${record.release}`).join('; '),
    `in ${plural(waves.length, 'wave')} (${waves.map((w) => w.join(', ')).join(' | ')}).`,
  ].join(' ');
  return (
    <InlineConfirm what={what} needs={needs} onCancel={onCancel} testId="promote-plan">
      <button type="button" className="button button-primary" data-testid="promote-confirm" onClick={() => launch({ promote: record.id })}>
        Promote {record.release} to {to}
      </button>
    </InlineConfirm>
  );
}
