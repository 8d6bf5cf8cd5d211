import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

// What a view shows when it has nothing to show: what this place is for and what to do next.

export interface EmptyStateProps {
  icon: IconName;
  title: string;
  children: ReactNode;
  tone?: 'neutral' | 'critical';
  testId?: string;
}

export function EmptyState({ icon, title, children, tone = 'neutral', testId }: EmptyStateProps): ReactNode {
  return (
    <section className={`empty empty-${tone}`} aria-label={title} data-testid={testId}>
      <Icon name={icon} className="empty-icon" />
      <h2 className="empty-title">{title}</h2>
      <div className="empty-body">{children}</div>
    </section>
  );
}
