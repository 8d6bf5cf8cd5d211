import type { RequestOutput } from '../../shared/api';
import type { CoreLink } from './bind';

// The recordings calls (shared/contract/terminal.ts): the list of recorded terminal sessions and one
// recording's frames, for the player.

type Call = Pick<CoreLink, 'call'>;

export function listRecordings(link: Call): Promise<RequestOutput<'recordings.list'>> {
  return link.call('recordings.list', {});
}

export function readRecording(link: Call, id: string): Promise<RequestOutput<'recordings.read'>> {
  return link.call('recordings.read', { id });
}
