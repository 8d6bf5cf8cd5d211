import type { SshPool } from '../ssh/pool';
import type { QuestionBroker } from '../ssh/questions';
import { CoreFailure, type ApiPart } from '../transport/coreApi';
import { listRecordings, readRecording } from './recorder';
import type { TerminalService } from './terminalService';

// The terminal part of the contract (shared/contract/terminal.ts).
export function terminalApi(
  terminals: TerminalService,
  pool: SshPool,
  questions: QuestionBroker,
  recordingsDir: string,
): ApiPart<'terminal.input' | 'terminal.resize' | 'ssh.answer' | 'ssh.retry' | 'recordings.list' | 'recordings.read', 'terminal.open' | 'ssh.questions'> {
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
      'ssh.answer': async ({ id, answer, remember }) => (questions.answer(id, answer, remember ?? false), null),
      'ssh.retry': async ({ host }) => (pool.retry(host), null),
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
      'ssh.questions': (_params, sink) => questions.subscribe((q) => sink.send(q)),
    },
  };
}
