import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

// A full-width message above the content that does not block it: a broken fleet file, a lost
// connection. Warnings and errors are announced to screen readers.

export interface BannerProps {
  tone: 'info' | 'warning' | 'critical';
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
}

const ICONS: Record<BannerProps['tone'], IconName> = { info: 'info', warning: 'alert', critical: 'alert' };

export function Banner({ tone, title, children, actions, testId }: BannerProps): ReactNode {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId}>
      <Icon name={ICONS[tone]} className="banner-icon" />
      <div className="banner-body">
        <div className="banner-title">{title}</div>
        {children ? <div className="banner-detail">{children}</div> : null}
      </div>
      {actions ? <div className="banner-actions">{actions}</div> : null}
    </div>
  );
}
