import type { ReactNode } from 'react';
import { useAppStore } from '../../state/react';

/** A host's health as the map colours it, for a terminal's tab and its pane's title. */
export function HostStateDot({ host }: { host: string }): ReactNode {
  const state = useAppStore((s) => s.statuses[host]?.state ?? 'PENDING');
  return <span className={`state-dot state-${state.toLowerCase()}`} aria-label={state} />;
}
