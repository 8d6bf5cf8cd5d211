import type { RequestOutput } from '../../shared/api';
import type { CoreLink } from './bind';
import type { AppStore } from './store';

// The SSH calls (shared/contract/ssh.ts): answering what a login asks, retrying a refused login,
// and the remembered secrets. The questions themselves arrive on 'ssh.questions' (state/bind.ts).

/** Answers a question (null: refuse) and drops it from the store at once; a question the core no
 * longer waits for is answered into the void, which is fine. */
export function answerQuestion(link: Pick<CoreLink, 'call'>, store: AppStore, id: number, answer: string | null, remember = false): void {
  store.getState().questionAnswered(id);
  void link.call('ssh.answer', { id, answer, ...(remember ? { remember: true } : {}) }).catch(() => undefined);
}

/** Makes the core forget why the host's login failed, so its next use connects, and asks, again. */
export async function retryLogin(link: Pick<CoreLink, 'call'>, host: string): Promise<void> {
  await link.call('ssh.retry', { host }).catch(() => undefined);
}

export function listRememberedSecrets(link: Pick<CoreLink, 'call'>): Promise<RequestOutput<'secrets.list'>> {
  return link.call('secrets.list', {});
}

export async function forgetRememberedSecret(link: Pick<CoreLink, 'call'>, key: string): Promise<void> {
  await link.call('secrets.forget', { key });
}
