import { CoreFailure, type ApiPart } from '../transport/coreApi';
import { secretFromKey, secretKey, secretLabel, type SecretStore } from './secrets';

// The remembered-secrets part of the contract (shared/contract/ssh.ts): what is remembered,
// and forgetting it. The secrets themselves never leave the store.
export function secretsApi(secrets: SecretStore | null): ApiPart<'secrets.list' | 'secrets.forget', never> {
  return {
    requests: {
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
    streams: {},
  };
}
