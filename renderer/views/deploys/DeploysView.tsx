import { useState, type ReactNode } from 'react';
import { planWaves, type WaveSpec } from '../../../shared/deploy/waves';
import type { AppSummary } from '../../../shared/fleet/model';
import { plural } from '../../../shared/text';
import { controlsFor, progressHeader, progressTitle, stepBadge, type DeployProgress, type StepProgress } from '../../state/deployProgress';
import { useAppStore } from '../../state/react';
import { AppView } from './AppView';
import { TakeOverLocks } from './TakeOverLocks';
import { useAppDeploy } from './useAppDeploy';
import { useProductionName } from './useProductionName';
import { useStageHosts } from './useStageHosts';

// Deploys: an app's plan (which hosts in which wave, and what runs on each; for an app with
// stages, the hosts of one stage, the first by default), a confirmation (typing the environment's
// name for production), then the deploy live: each wave, each host's steps with their time and
// output, the pause and abort buttons, and how it ended.

const STEPS = ['preflight', 'lock', 'upload', 'prepare', 'switch', 'restart', 'health', 'rollback'] as const;

export function DeploysView(): ReactNode {
  return (
    <AppView title="Deploys" icon="deploy" testId="deploys-view">
      {(app) => <DeployPanel key={app.name} app={app} />}
    </AppView>
  );
}

function DeployPanel({ app }: { app: AppSummary }): ReactNode {
  const [ref, setRef] = useState('');
  const [typed, setTyped] = useState('');
  const byStage = useStageHosts(app);
  const [stage, setStage] = useState(app.stages?.[0] ?? null);
  const { progress, error, start, act } = useAppDeploy(app.name);
  const running = progress.id !== null && progress.done === null;
  const stageHosts = (stage !== null ? byStage?.get(stage) : null) ?? app.hosts;
  // The table shows the run in progress (or the last one, with its results); the form and its
  // confirmation are about the next deploy, to the stage picked now. Taking the confirmation from
  // the table's hosts let a production deploy go without one after a staging run.
  const nextWaves = planWaves(stageHosts, app.waves as WaveSpec[]);
  // The waves of the run shown are the core's (a rollback's plan goes stage by stage).
  const waves = progress.id === null ? nextWaves : (progress.plannedWaves ?? planWaves(progress.hosts, app.waves as WaveSpec[]));
  const needs = useProductionName(stageHosts);
  // The core starts nothing while the fleet file is broken (AppView's banner says why).
  const broken = useAppStore((s) => s.snapshot?.problem != null);
  const go = (takeOver: boolean | 'stale' = false): void => start({ takeOver, ...(stage !== null ? { stage } : {}), ...(ref.trim() ? { ref: ref.trim() } : {}) });

  return (
    <section className="deploy-panel" aria-label={`Deploy ${app.name}`}>
      <p className="muted" data-testid="deploy-what">
        {progress.id !== null ? (
          <>
            {progress.done ? 'Last run here' : 'Running'}: {progressHeader(progress)}
          </>
        ) : (
          <>
            Next: {sourceWithRef(app.source, ref.trim())} → <span className="mono">{app.deployTo}</span> on {stage !== null ? `${stage}: ` : ''}
            {plural(stageHosts.length, 'host')} ({app.roles.join(', ')})
          </>
        )}
      </p>
      <WavePlan waves={waves} progress={progress} />
      {progress.id === null ? <DeployCommands plan={app.plan} /> : null}
      {running ? (
        <Controls progress={progress} act={act} />
      ) : (
        <DeployForm
          app={app}
          stage={[stage, setStage]}
          gitRef={[ref, setRef]}
          typed={[typed, setTyped]}
          needs={needs}
          broken={broken}
          hosts={stageHosts.length}
          waves={nextWaves.length}
          go={() => go()}
        />
      )}
      {error ? (
        <p className="state-text state-critical" data-testid="deploy-error">
          {error}
        </p>
      ) : null}
      {progress.notes.map((n, i) => (
        <p key={i} className="state-text state-warning" data-testid="deploy-note">
          {n}
        </p>
      ))}
      {progress.done ? (
        <p className={`deploy-done deploy-${progress.done.outcome.replace(' ', '-')}`} data-testid="deploy-done" data-outcome={progress.done.outcome}>
          <strong>{progress.done.outcome}</strong> — {progressTitle(progress)}: {progress.done.message}
          {/* Taking over repeats a plain deploy; a promotion is started again from Releases. */}
          {progress.done.outcome === 'failed' && Object.keys(progress.locks).length > 0 && !progress.promotedFrom ? (
            <>
              {' '}
              <TakeOverLocks app={app.name} locks={progress.locks} onTakeOver={go} />
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

function WavePlan({ waves, progress }: { waves: string[][]; progress: DeployProgress }): ReactNode {
  return (
    <table className="deploy-plan" data-testid="deploy-plan">
      <tbody>
        {waves.map((wave, i) => (
          <tr key={i} data-testid="deploy-wave" data-state={progress.waves[i] ?? 'planned'}>
            <th scope="row">
              {i === 0 ? 'canary' : `wave ${i + 1}`} <span className="muted">{progress.waves[i] ?? ''}</span>
            </th>
            <td>
              {wave.map((h) => (
                <HostSteps key={h} host={h} steps={progress.steps[h]} />
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "What runs on each host", before a deploy starts. */
function DeployCommands({ plan }: { plan: AppSummary['plan'] }): ReactNode {
  return (
    <details className="deploy-commands" data-testid="deploy-commands">
      <summary>What runs on each host</summary>
      <ol>
        {plan.map((p) => (
          <li key={p.step}>
            <strong>{p.step}</strong> <span className="mono">{p.what}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

type UseState<T> = [T, (value: T) => void];

/** The next deploy: stage, git ref, the typed confirmation a production stage needs, and Deploy. */
function DeployForm(props: {
  app: AppSummary;
  stage: UseState<string | null>;
  gitRef: UseState<string>;
  typed: UseState<string>;
  needs: string | null;
  broken: boolean;
  hosts: number;
  waves: number;
  go(): void;
}): ReactNode {
  const { app, needs, broken, go } = props;
  const [stage, setStage] = props.stage;
  const [ref, setRef] = props.gitRef;
  const [typed, setTyped] = props.typed;
  return (
    <form
      className="run-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!broken && (!needs || typed === needs)) go();
      }}
    >
      {app.stages ? (
        <select className="input" aria-label="Stage" value={stage ?? ''} onChange={(e) => setStage(e.target.value)} data-testid="deploy-stage">
          {app.stages.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      ) : null}
      <input className="input mono deploy-ref" aria-label="Git ref" placeholder="git ref (blank: the app's own)" value={ref} onChange={(e) => setRef(e.target.value)} data-testid="deploy-ref" />
      {needs ? <input className="input confirm-name" aria-label="Confirm" placeholder={`type "${needs}" to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="deploy-confirm" /> : null}
      <button type="submit" className="button button-primary" data-testid="deploy-go" disabled={broken || (needs !== null && typed !== needs)}>
        Deploy to {stage !== null ? `${stage}: ` : ''}
        {plural(props.hosts, 'host')} in {plural(props.waves, 'wave')}
      </button>
    </form>
  );
}

/** The app's source as the next deploy takes it: "git … @ v4" when a ref is typed. */
function sourceWithRef(source: string, ref: string): string {
  return ref && / @ [^ ]+$/.test(source) ? source.replace(/ @ [^ ]+$/, ` @ ${ref}`) : source;
}

function Controls({ progress, act }: { progress: DeployProgress; act: ReturnType<typeof useAppDeploy>['act'] }): ReactNode {
  const can = controlsFor(progress);
  return (
    <div className="run-form" data-testid="deploy-controls" data-control={progress.control}>
      <span className="muted">
        {progressTitle(progress)}: {progress.control === 'running' ? 'running…' : progress.control === 'paused' ? 'paused (running steps finish, no new ones start)' : 'stopping after the running steps…'}
      </span>
      {can.pause ? (
        <button type="button" className="button" data-testid="deploy-pause" onClick={() => act('pause')}>
          Pause
        </button>
      ) : null}
      {can.resume ? (
        <button type="button" className="button button-primary" data-testid="deploy-resume" onClick={() => act('resume')}>
          Resume
        </button>
      ) : null}
      <button type="button" className="button" data-testid="deploy-abort" disabled={!can.abort} onClick={() => act('abort')} title="Stop here: switched hosts keep the new release">
        Abort
      </button>
      <button type="button" className="button button-danger" data-testid="deploy-abort-rollback" disabled={!can.abortRollback} onClick={() => act('abort-rollback')} title="Stop and send every switched host back to its previous release">
        Abort and roll back
      </button>
    </div>
  );
}

function HostSteps({ host, steps }: { host: string; steps: Partial<Record<string, StepProgress>> | undefined }): ReactNode {
  const failed = Object.entries(steps ?? {}).find(([, s]) => s?.state === 'failed');
  const openTerminal = useAppStore((s) => s.openTerminal);
  return (
    <div className="deploy-host" data-testid="deploy-host" data-host={host}>
      <strong>{host}</strong>{' '}
      <button type="button" className="link" title={`Open a shell on ${host}`} onClick={() => openTerminal(host)}>
        shell
      </button>{' '}
      {STEPS.map((name) => {
        const s = steps?.[name];
        return s ? (
          <span key={name} className={`deploy-step deploy-step-${s.state}`} data-step={name} data-state={s.state} title={s.output}>
            {stepBadge(name, s)}
          </span>
        ) : null;
      })}
      {failed ? <pre className="run-output">{failed[1]?.output}</pre> : null}
    </div>
  );
}
