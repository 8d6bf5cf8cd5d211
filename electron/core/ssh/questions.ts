import type { Disposable } from '../../../shared/disposable';
import type { SshQuestion } from '../../../shared/contract/ssh';
import type { PoolAnswer, PoolQuestion } from './ask';

// Questions the SSH pool asks the user (a host key to accept, a passphrase, a password), held until
// a window answers. A window that connects later still sees the open ones; with no window for two
// minutes the answer is "no". Answers are handed to the pool and never stored or logged here; a
// secret answered with "remember" is kept by the pool's SecretStore, which the renderer never sees.

const TIMEOUT_MS = 120_000;

interface Open {
  question: SshQuestion;
  resolve: (answer: PoolAnswer | null) => void;
  timer: NodeJS.Timeout;
}

export class QuestionBroker implements Disposable {
  private nextId = 1;
  private readonly open = new Map<number, Open>();
  private readonly listeners = new Set<(q: SshQuestion) => void>();

  readonly ask = (question: PoolQuestion): Promise<PoolAnswer | null> =>
    new Promise((resolve) => {
      const id = this.nextId++;
      const timer = setTimeout(() => this.answer(id, null), TIMEOUT_MS);
      timer.unref();
      const full = { ...question, id } as SshQuestion;
      this.open.set(id, { question: full, resolve, timer });
      for (const listener of this.listeners) listener(full);
    });

  /** `remember` only counts for a question that offered it (a passphrase or password with a store). */
  answer(id: number, answer: string | null, remember = false): void {
    const entry = this.open.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.open.delete(id);
    const q = entry.question;
    const offered = (q.kind === 'password' || q.kind === 'passphrase') && q.remember !== null;
    entry.resolve(answer === null ? null : { value: answer, remember: offered && remember });
  }

  /** Sends the open questions at once, then each new one. */
  subscribe(listener: (q: SshQuestion) => void): Disposable {
    for (const entry of this.open.values()) listener(entry.question);
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    for (const id of [...this.open.keys()]) this.answer(id, null);
    this.listeners.clear();
  }
}
