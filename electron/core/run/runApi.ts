import type { SshPool } from '../ssh/pool';
import type { ApiPart } from '../transport/coreApi';
import { runOnHosts, tailOnHosts } from './runService';

// The run part of the contract (shared/contract/run.ts).
export function runApi(pool: SshPool): ApiPart<never, 'run.start' | 'tail.open'> {
  return {
    requests: {},
    streams: {
      'run.start': (params, sink) => runOnHosts(pool, params, sink),
      'tail.open': (params, sink) => tailOnHosts(pool, params, sink),
    },
  };
}
