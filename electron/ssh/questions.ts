import type { Disposable } from '../../shared/disposable';
import type { SshQuestion } from '../../shared/contract/terminal';
import type { PoolQuestion } from './pool';

// Questions the SSH pool asks the user (a host key to accept, a passphrase, a password), held until
// a window answers. A window that connects later still sees the open ones; with no window for two
// minutes the answer is "no". Answers are handed to the pool and never stored or logged.

const TIMEOUT_MS = 120_000;

interface Open {
  question: SshQuestion;
  resolve: (answer: string | null) => void;
  timer: NodeJS.Timeout;
}

export class QuestionBroker implements Disposable {
  private nextId = 1;
  private readonly open = new Map<number, Open>();
  private readonly listeners = new Set<(q: SshQuestion) => void>();

  readonly ask = (question: PoolQuestion): Promise<string | null> =>
    new Promise((resolve) => {
      const id = this.nextId++;
      const timer = setTimeout(() => this.answer(id, null), TIMEOUT_MS);
      timer.unref();
      const full = { ...question, id } as SshQuestion;
      this.open.set(id, { question: full, resolve, timer });
      for (const listener of this.listeners) listener(full);
    });

  answer(id: number, answer: string | null): void {
    const entry = this.open.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.open.delete(id);
    entry.resolve(answer);
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
