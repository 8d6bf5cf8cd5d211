import type { ReactNode } from 'react';
import { Banner } from '../parts/Banner';
import { formatClock } from '../parts/format';
import { useAppStore } from '../state/react';

// Shown while the core is unreachable. It does not block: what is on screen stays readable, dimmed,
// as of the moment the connection went down; the transport keeps retrying by itself.

export function ConnectionBanner(): ReactNode {
  const connection = useAppStore((s) => s.connection);
  if (connection.status !== 'disconnected') return null;
  return (
    <Banner tone="critical" testId="connection-banner" title="Reconnecting to the core…">
      {connection.wasConnected
        ? `Lost the connection at ${formatClock(connection.since)} (${connection.reason}). What you see is as of then; it updates as soon as the core answers again.`
        : `The core is not reachable (${connection.reason}). If it was stopped, start it again; this page reconnects by itself.`}
    </Banner>
  );
}
