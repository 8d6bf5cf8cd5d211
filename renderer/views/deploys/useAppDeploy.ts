import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { DeployEventMessage } from '../../../shared/contract/deploy';
import { deployTitle } from '../../../shared/deploy/release';
import { plural } from '../../../shared/text';
import type { RequestInput } from '../../../shared/api';
import type { Subscription } from '../../client';
import { foldDeploy, NO_DEPLOY, type DeployProgress } from '../../state/deployProgress';
import { controlDeploy, runningDeploys, startDeploy, watchDeploy } from '../../state/deployActions';
import { useClient } from '../../state/react';

// The live deploy of one app: finds the one already running in the core (after a reload, or one
// started from Releases), starts new ones, and sends the buttons. Deploys run in the core; this
// only watches, so leaving the view stops nothing.

type StartParams = Omit<RequestInput<'deploy.start'>, 'app'>;

export function useAppDeploy(app: string): {
  progress: DeployProgress;
  error: string | null;
  start(params: StartParams): void;
  act(action: 'pause' | 'resume' | 'abort' | 'abort-rollback'): void;
} {
  const client = useClient();
  const [progress, dispatch] = useReducer((p: DeployProgress, e: DeployEventMessage | 'reset') => (e === 'reset' ? NO_DEPLOY : foldDeploy(p, e)), NO_DEPLOY);
  const [error, setError] = useState<string | null>(null);
  const watching = useRef<Subscription | null>(null);

  const watch = useCallback(
    (id: number) => {
      watching.current?.close();
      dispatch('reset');
      watching.current = watchDeploy(client, id, {
        onEvent: (e) => {
          dispatch(e);
          if (e.type === 'started' || e.type === 'done') notifyDeploy(app, e);
        },
        onEnd: (err) => err && setError(err.message),
      });
    },
    [client, app],
  );

  useEffect(() => {
    let live = true;
    runningDeploys(client).then(
      (running) => {
        const mine = running.find((r) => r.app === app);
        if (live && mine) watch(mine.id);
      },
      () => undefined,
    );
    return () => {
      live = false;
      watching.current?.close();
    };
  }, [client, app, watch]);

  const start = (params: StartParams): void => {
    setError(null);
    startDeploy(client, { app, ...params }).then(
      ({ id }) => watch(id),
      (e: Error & { hint?: string }) => setError(e.hint ? `${e.message} ${e.hint}` : e.message),
    );
  };
  const act = (action: 'pause' | 'resume' | 'abort' | 'abort-rollback'): void => {
    if (progress.id !== null) controlDeploy(client, progress.id, action);
  };
  return { progress, error, start, act };
}

/** A desktop notification when a deploy starts and when it ends, if the page may show them; one
 * per deploy (the tag), so a replay after a reload does not repeat it. */
function notifyDeploy(app: string, e: DeployEventMessage): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (e.type === 'started') new Notification(`${deployTitle(e.kind, app, e.release)} started`, { body: `on ${plural(e.hosts.length, 'host')}`, tag: `deploy:${app}:${e.id}` });
  if (e.type === 'done') new Notification(`${app} ${e.release}: ${e.outcome}`, { body: e.message, tag: `deploy:${app}:${e.release}:done` });
}
