import type { RequestInput, RequestOutput, StreamEvent } from '../../shared/api';
import type { StreamHandlers, Subscription } from '../client';
import type { CoreLink } from './bind';

// The deploy calls (shared/contract/deploy.ts), from Deploys and Releases to the core. Deploys run
// in the core; the views start, steer and watch them, and what the hosts report stays with the
// view that asked (it is asked again on every refresh).

type Call = Pick<CoreLink, 'call'>;

/** Starts a deploy, a rollback, an undo, a resume or a promotion; resolves with its id. */
export function startDeploy(link: Call, input: RequestInput<'deploy.start'>): Promise<RequestOutput<'deploy.start'>> {
  return link.call('deploy.start', input);
}

export function controlDeploy(link: Call, id: number, action: RequestInput<'deploy.control'>['action']): void {
  void link.call('deploy.control', { id, action }).catch(() => undefined);
}

/** The deploys running in the core now (one per app at most). */
export function runningDeploys(link: Call): Promise<RequestOutput<'deploy.running'>> {
  return link.call('deploy.running', {});
}

/** A running deploy's events, from its start: the live view folds them. */
export function watchDeploy(link: Pick<CoreLink, 'subscribe'>, id: number, handlers: StreamHandlers<StreamEvent<'deploy.watch'>>): Subscription {
  return link.subscribe('deploy.watch', { id }, handlers);
}

/** What each host of the app says it has: its releases, `current`, its log. */
export function loadReleases(link: Call, app: string): Promise<RequestOutput<'deploy.releases'>> {
  return link.call('deploy.releases', { app });
}

/** The console's own records of the app's deploys. */
export function loadDeployRecords(link: Call, app: string): Promise<RequestOutput<'deploy.history'>> {
  return link.call('deploy.history', { app });
}

/** Which host would move where in a rollback to `release`, before anything is done. */
export function planRollback(link: Call, app: string, release: string): Promise<RequestOutput<'deploy.plan'>> {
  return link.call('deploy.plan', { app, release });
}
