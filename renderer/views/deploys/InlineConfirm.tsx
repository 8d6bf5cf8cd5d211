import type { ReactNode } from 'react';

// "Here is what will change" beside the action buttons and a Cancel: the confirmation step of
// rollbacks and of resuming or undoing a cut-short deploy.
export function InlineConfirm({ what, onCancel, testId, children }: { what: string; onCancel(): void; testId?: string; children: ReactNode }): ReactNode {
  return (
    <span className="rollback-confirm" data-testid={testId}>
      {what} {children}{' '}
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
