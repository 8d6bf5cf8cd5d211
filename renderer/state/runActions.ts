import type { StreamEvent, StreamParams } from '../../shared/api';
import type { StreamHandlers, Subscription } from '../client';
import type { CoreLink } from './bind';

// The Run and Logs calls (shared/contract/run.ts): a command on many hosts and a log tail on many
// hosts, each a stream that the panel that opened it folds and closes.

type Subscribe = Pick<CoreLink, 'subscribe'>;

export function startRun(link: Subscribe, params: StreamParams<'run.start'>, handlers: StreamHandlers<StreamEvent<'run.start'>>): Subscription {
  return link.subscribe('run.start', params, handlers);
}

export function openTail(link: Subscribe, params: StreamParams<'tail.open'>, handlers: StreamHandlers<StreamEvent<'tail.open'>>): Subscription {
  return link.subscribe('tail.open', params, handlers);
}
