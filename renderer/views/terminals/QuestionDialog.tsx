import { useState, type ReactNode } from 'react';
import type { SshQuestion } from '../../../shared/contract/ssh';
import { useAppStore, useAppStoreApi, useClient } from '../../state/react';
import { answerQuestion } from '../../state/sshActions';

// What SSH asks the user: accept an unknown host key (by its SHA256 fingerprint), a passphrase, a
// password. The answer goes to the core once and is not kept here. "Remember" (where the core
// offers it) asks the core to keep the secret: encrypted by the OS keychain on the desktop, in
// memory in browser mode; the page never gets it back.

export function QuestionDialog(): ReactNode {
  const question = useAppStore((s) => s.questions[0]);
  return question ? <Question key={question.id} question={question} /> : null;
}

function Question({ question }: { question: SshQuestion }): ReactNode {
  const client = useClient();
  const store = useAppStoreApi();
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  const answer = (value: string | null, keep = false): void => answerQuestion(client, store, question.id, value, keep);
  const canRemember = question.kind === 'host-key' ? null : question.remember;
  return (
    <div className="palette-backdrop">
      <div className="dialog" role="alertdialog" aria-label="SSH asks" data-testid="ssh-question" data-kind={question.kind}>
        {question.kind === 'host-key' ? (
          <>
            <h2>Unknown host key for {question.host}</h2>
            <p>
              {question.address}:{question.port} presents a {question.keyType} key that no known_hosts file lists:
            </p>
            <p className="mono fingerprint" data-testid="fingerprint">
              {question.fingerprint}
            </p>
            <p className="muted">
              Compare it with what the host shows (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub). Accept only if they match; Fleetdeck then remembers it.
            </p>
            <div className="dialog-buttons">
              <button type="button" className="button" onClick={() => answer(null)}>
                Refuse
              </button>
              <button type="button" className="button button-primary" data-testid="accept-key" onClick={() => answer('accept')}>
                Accept and connect
              </button>
            </div>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              answer(secret, canRemember !== null && remember);
            }}
          >
            <h2>{question.kind === 'password' ? `Password for ${question.user}@${question.host}` : `Passphrase for ${question.file}`}</h2>
            {question.hopTo ? (
              <p data-testid="question-hop">
                For the jump host {question.host}, on the way to {question.hopTo}.
              </p>
            ) : null}
            <input
              className="input"
              type="password"
              autoFocus
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              aria-label="Secret"
            />
            {canRemember !== null ? (
              <label className="remember-secret">
                <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="remember-secret" />{' '}
                {canRemember === 'encrypted' ? 'Remember it (encrypted with the system keychain)' : 'Remember it until Fleetdeck stops (in memory only)'}
              </label>
            ) : null}
            <p className="muted">
              {canRemember !== null && remember
                ? 'Tried first next time; forgotten as soon as the server refuses it.'
                : 'Sent to the core for this login only; not stored.'}
            </p>
            <div className="dialog-buttons">
              <button type="button" className="button" onClick={() => answer(null)}>
                Cancel
              </button>
              <button type="submit" className="button button-primary">
                Log in
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
