import type { ReactNode } from 'react';

// A small label: a role, a label key=value, a count. `tone` maps to the colour tokens, including
// the Nagios states the status map will use.

export type Tone = 'neutral' | 'accent' | 'ok' | 'warning' | 'critical' | 'unknown';

export interface BadgeProps {
  children: ReactNode;
  tone?: Tone;
  mono?: boolean;
  title?: string;
}

export function Badge({ children, tone = 'neutral', mono = false, title }: BadgeProps): ReactNode {
  return (
    <span className={`badge badge-${tone}${mono ? ' mono' : ''}`} title={title}>
      {children}
    </span>
  );
}
