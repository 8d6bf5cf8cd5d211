import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import type { DeployEventMessage } from '../../../shared/contract/deploy';
import { planWaves, type WaveSpec } from '../../../shared/deploy/waves';
import type { AppSummary } from '../../../shared/fleet/model';
import type { Subscription } from '../../client';
import { productionHosts } from '../../state/pickHosts';
import { useAppStore, useClient } from '../../state/react';
import { AppView } from './AppView';

// Deploys: an app's plan (which hosts in which wave), a confirmation (typing the environment's
// name for production), then the deploy live: each wave, each host's steps with their time and
// output, and how it ended.

const STEPS = ['preflight', 'lock', 'prepare', 'switch', 'restart', 'health', 'rollback'] as const;

interface HostProgress {
  steps: Partial<Record<string, { state: 'running' | 'ok' | 'failed'; ms: number; output: string }>>;
}

interface Progress {
  hosts: Record<string, HostProgress>;
  waves: Record<number, 'running' | 'ok' | 'failed'>;
  done: Extract<DeployEventMessage, { type: 'done' }> | null;
}

const EMPTY: Progress = { hosts: {}, waves: {}, done: null };

function reduce(p: Progress, e: DeployEventMessage | 'reset'): Progress {
  if (e === 'reset') return EMPTY;
  if (e.type === 'done') return { ...p, done: e };
  if (e.type === 'wave') return { ...p, waves: { ...p.waves, [e.index]: e.state } };
  const host = p.hosts[e.host] ?? { steps: {} };
  return { ...p, hosts: { ...p.hosts, [e.host]: { steps: { ...host.steps, [e.step]: { state: e.state, ms: e.ms, output: e.output } } } } };
}

export function DeploysView(): ReactNode {
  return (
    <AppView title="Deploys" icon="deploy" testId="deploys-view">
      {(app) => <DeployPanel key={app.name} app={app} />}
    </AppView>
  );
}

function DeployPanel({ app }: { app: AppSummary }): ReactNode {
  const client = useClient();
  const hosts = useAppStore((s) => s.snapshot?.hosts ?? []);
  const [ref, setRef] = useState('');
  const [release, setRelease] = useState('');
  const [typed, setTyped] = useState('');
  const [progress, dispatch] = useReducer(reduce, EMPTY);
  const [running, setRunning] = useState(false);
  const run = useRef<Subscription | null>(null);
  useEffect(() => () => run.current?.close(), []);
  const waves = planWaves(app.hosts, app.waves as WaveSpec[]);
  const production = productionHosts(hosts.filter((h) => app.hosts.includes(h.name)));
  const needs = production.length > 0 ? production[0]!.environment : null;

  const start = (takeOver = false): void => {
    dispatch('reset');
    setRunning(true);
    run.current = client.subscribe('deploy.run', { app: app.name, takeOver, ...(ref.trim() ? { ref: ref.trim() } : {}), ...(release.trim() ? { release: release.trim() } : {}) }, {
      onEvent: (e) => {
        dispatch(e);
        if (e.type === 'done') notifyDeploy(app.name, e.outcome, e.message);
      },
      onEnd: () => setRunning(false),
    });
  };

  return (
    <section className="deploy-panel" aria-label={`Deploy ${app.name}`}>
      <p className="muted">
        {app.source} → <span className="mono">{app.deployTo}</span> on {app.hosts.length} hosts ({app.roles.join(', ')})
      </p>
      <table className="deploy-plan" data-testid="deploy-plan">
        <tbody>
          {waves.map((wave, i) => (
            <tr key={i} data-testid="deploy-wave" data-state={progress.waves[i] ?? 'planned'}>
              <th scope="row">
                {i === 0 ? 'canary' : `wave ${i + 1}`} <span className="muted">{progress.waves[i] ?? ''}</span>
              </th>
              <td>
                {wave.map((h) => (
                  <HostSteps key={h} host={h} progress={progress.hosts[h]} />
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="run-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running && (!needs || typed === needs)) start();
        }}
      >
        <input className="input mono" aria-label="Git ref" placeholder="ref (default: the app's)" value={ref} onChange={(e) => setRef(e.target.value)} data-testid="deploy-ref" />
        <input className="input mono" aria-label="Roll back to release" placeholder="or roll back to release 2026…" value={release} onChange={(e) => setRelease(e.target.value)} data-testid="deploy-release" />
        {needs ? <input className="input" aria-label="Confirm" placeholder={`type "${needs}" to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="deploy-confirm" /> : null}
        <button type="submit" className="button button-primary" data-testid="deploy-go" disabled={running || (needs !== null && typed !== needs)}>
          {release.trim() ? 'Roll back' : 'Deploy'} to {app.hosts.length} hosts in {waves.length} waves
        </button>
      </form>
      {progress.done ? (
        <p className={`deploy-done deploy-${progress.done.outcome.replace(' ', '-')}`} data-testid="deploy-done" data-outcome={progress.done.outcome}>
          <strong>{progress.done.outcome}</strong> — release {progress.done.release}: {progress.done.message}
          {progress.done.outcome === 'failed' && /locked by/.test(progress.done.message) ? (
            <>
              {' '}
              <button type="button" className="button button-danger" data-testid="deploy-takeover" disabled={running} onClick={() => start(true)}>
                Take over the lock and deploy
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

/** A desktop notification when a deploy ends, if the page may show them. */
function notifyDeploy(app: string, outcome: string, message: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(`Deploy of ${app}: ${outcome}`, { body: message, tag: `deploy:${app}` });
}

function HostSteps({ host, progress }: { host: string; progress: HostProgress | undefined }): ReactNode {
  const failed = Object.entries(progress?.steps ?? {}).find(([, s]) => s?.state === 'failed');
  const openTerminal = useAppStore((s) => s.openTerminal);
  return (
    <div className="deploy-host" data-testid="deploy-host" data-host={host}>
      <strong>{host}</strong>{' '}
      <button type="button" className="link" title={`Open a shell on ${host}`} onClick={() => openTerminal(host)}>
        shell
      </button>{' '}
      {STEPS.map((name) => {
        const s = progress?.steps[name];
        return s ? (
          <span key={name} className={`deploy-step deploy-step-${s.state}`} data-step={name} data-state={s.state} title={s.output}>
            {name} {s.state === 'running' ? '…' : s.state === 'ok' ? `✓ ${(s.ms / 1000).toFixed(1)} s` : '✗'}
          </span>
        ) : null;
      })}
      {failed ? <pre className="run-output">{failed[1]?.output}</pre> : null}
    </div>
  );
}
