import { CoreFailure, type ApiPart } from '../transport/coreApi';
import { listRecordings, readRecording } from './recorder';
import type { TerminalService } from './terminalService';

// The terminal part of the contract (shared/contract/terminal.ts): shells and their recordings.
// The questions their logins ask are the SSH part's (electron/core/ssh/sshApi.ts).

export interface TerminalApiDeps {
  terminals: TerminalService;
  /** Where recorded sessions are kept. */
  recordingsDir: string;
}

export function terminalApi({
  terminals,
  recordingsDir,
}: TerminalApiDeps): ApiPart<'terminal.input' | 'terminal.resize' | 'recordings.list' | 'recordings.read', 'terminal.open'> {
  const guard = (fn: () => void): null => {
    try {
      fn();
      return null;
    } catch (error) {
      throw new CoreFailure((error as Error).message, 'Open the terminal again.');
    }
  };
  return {
    requests: {
      'terminal.input': async ({ session, data }) => guard(() => terminals.input(session, data)),
      'terminal.resize': async ({ session, cols, rows }) => guard(() => terminals.resize(session, cols, rows)),
      'recordings.list': async () => listRecordings(recordingsDir),
      'recordings.read': async ({ id }) => {
        try {
          return readRecording(recordingsDir, id);
        } catch (error) {
          throw new CoreFailure((error as Error).message);
        }
      },
    },
    streams: {
      'terminal.open': ({ host, cols, rows, record }, sink) => terminals.open(host, { cols, rows, record }, sink),
    },
  };
}
