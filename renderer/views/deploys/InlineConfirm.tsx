import { useState, type ReactNode } from 'react';

// "Here is what will change" beside the action buttons and a Cancel: the confirmation step of
// rollbacks and of resuming or undoing a cut-short deploy. When production hosts are touched
// (`needs`: the environment's name), the buttons stay disabled until that name is typed, as
// before a deploy.
export function InlineConfirm({
  what,
  needs,
  onCancel,
  testId,
  children,
}: {
  what: string;
  needs: string | null;
  onCancel(): void;
  testId?: string;
  children: ReactNode;
}): ReactNode {
  const [typed, setTyped] = useState('');
  return (
    <span className="rollback-confirm" data-testid={testId}>
      {what}{' '}
      {needs ? (
        <input className="input confirm-name" aria-label="Confirm" placeholder={`type "${needs}" to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="confirm-name" autoFocus />
      ) : null}{' '}
      <fieldset className="inline-actions" disabled={needs !== null && typed !== needs}>
        {children}
      </fieldset>{' '}
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
