import type { ApiPart } from '../transport/coreApi';
import type { StatusService } from './statusService';

// The status part of the contract (shared/contract/status.ts), served by the StatusService.

export function statusApi(status: StatusService): ApiPart<'status.host' | 'status.events', 'status.updates' | 'status.changes'> {
  return {
    requests: {
      'status.host': async ({ host }) => status.host(host),
      'status.events': async ({ host, limit }) => status.events({ host, limit }),
    },
    streams: {
      'status.updates': (_params, sink) => {
        sink.send(status.snapshot());
        return status.onBatch((batch) => sink.send(batch));
      },
      'status.changes': (_params, sink) => status.onEvent((event) => sink.send(event)),
    },
  };
}
