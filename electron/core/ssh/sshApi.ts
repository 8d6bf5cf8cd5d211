import { CoreFailure, type ApiPart } from '../transport/coreApi';
import type { SshPool } from './pool';
import type { QuestionBroker } from './questions';
import { secretFromKey, secretKey, secretLabel, type SecretStore } from './secrets';

// The SSH part of the contract (shared/contract/ssh.ts): the questions logins ask and their
// answers, retrying a refused login, and the remembered secrets (what is remembered, and forgetting
// it; the secrets themselves never leave the store).

export interface SshApiDeps {
  pool: Pick<SshPool, 'retry'>;
  questions: QuestionBroker;
  secrets: SecretStore | null;
}

export function sshApi({ pool, questions, secrets }: SshApiDeps): ApiPart<'ssh.answer' | 'ssh.retry' | 'secrets.list' | 'secrets.forget', 'ssh.questions'> {
  return {
    requests: {
      'ssh.answer': async ({ id, answer, remember }) => (questions.answer(id, answer, remember ?? false), null),
      'ssh.retry': async ({ host }) => (pool.retry(host), null),
      'secrets.list': async () => {
        const targets = secrets ? await secrets.list() : [];
        const listed = targets.map((t) => ({ key: secretKey(t), kind: t.kind, label: secretLabel(t) }));
        listed.sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
        return { keeping: secrets?.keeping ?? null, secrets: listed };
      },
      'secrets.forget': async ({ key }) => {
        const target = secretFromKey(key);
        if (!target) throw new CoreFailure(`"${key}" does not name a remembered password or passphrase.`, 'List the remembered logins again.');
        await secrets?.delete(target);
        return null;
      },
    },
    streams: {
      'ssh.questions': (_params, sink) => questions.subscribe((q) => sink.send(q)),
    },
  };
}
