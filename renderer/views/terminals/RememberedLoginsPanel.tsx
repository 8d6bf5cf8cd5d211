import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { RequestOutput } from '../../../shared/api';
import { useClient } from '../../state/react';
import { forgetRememberedSecret, listRememberedSecrets } from '../../state/sshActions';

// Passwords and passphrases the user asked to remember, by what they unlock (the secrets never
// reach the renderer), each with a Forget button: the next login that needs it asks again.

type Listed = RequestOutput<'secrets.list'>;

const KEPT: Record<NonNullable<Listed['keeping']>, string> = {
  encrypted: 'Kept encrypted with the system keychain, in the console\'s data folder.',
  memory: 'Kept in memory only, until the console stops.',
};

export function RememberedLoginsPanel({ onClose }: { onClose: () => void }): ReactNode {
  const client = useClient();
  const [listed, setListed] = useState<Listed | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    listRememberedSecrets(client).then(setListed, (e: Error) => setError(e.message));
  }, [client]);
  useEffect(load, [load]);
  const forget = (key: string): void => {
    setError(null);
    forgetRememberedSecret(client, key).then(load, (e: Error) => setError(e.message));
  };
  return (
    <section className="remembered-logins" data-testid="remembered-logins">
      <header className="view-header">
        <h1>Remembered logins</h1>
        <button type="button" className="button" onClick={onClose}>
          ← Terminals
        </button>
      </header>
      {listed ? (
        <p className="muted" data-testid="secrets-keeping">
          {listed.keeping ? KEPT[listed.keeping] : 'This console cannot remember passwords or passphrases (no system keychain).'}
        </p>
      ) : null}
      {listed?.secrets.length === 0 ? <p className="muted">None. Tick "Remember" when a password or passphrase is asked for.</p> : null}
      {error ? <p className="state-text state-critical">{error}</p> : null}
      <ul className="recording-list">
        {listed?.secrets.map((s) => (
          <li key={s.key} data-testid="remembered-login" data-key={s.key}>
            <span className="mono">{s.label}</span> <span className="muted">{s.kind === 'password' ? 'password' : 'passphrase of the key file'}</span>{' '}
            <button type="button" className="button" data-testid="forget-login" onClick={() => forget(s.key)}>
              Forget
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
