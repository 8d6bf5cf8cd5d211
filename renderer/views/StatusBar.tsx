import { useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { baseName, formatClock, plural } from '../parts/format';
import { Icon } from '../parts/Icon';
import { useAppStore } from '../state/react';

// The bottom line: the connection to the core (and which core), and the fleet file in use.

export function StatusBar(): ReactNode {
  return (
    <footer className="statusbar">
      <ConnectionStatus />
      <NotificationsSwitch />
      <FleetFileStatus />
    </footer>
  );
}

/** Browsers ask before a page may notify, and only after a click; the desktop app may at once. */
function NotificationsSwitch(): ReactNode {
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  if (permission !== 'default') {
    return permission === 'granted' ? (
      <span className="status-item muted" data-testid="notifications-on" title="Hard problems and recoveries are sent as desktop notifications">
        notifications on
      </span>
    ) : null;
  }
  return (
    <button type="button" className="status-item link" data-testid="notifications-enable" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Enable notifications
    </button>
  );
}

function ConnectionStatus(): ReactNode {
  const connection = useAppStore((s) => s.connection);
  const info = useAppStore((s) => s.appInfo);
  let dot: string;
  let text: string;
  switch (connection.status) {
    case 'connecting':
      dot = 'unknown';
      text = 'Connecting to the core…';
      break;
    case 'connected':
      dot = 'ok';
      text = 'Connected';
      break;
    case 'disconnected':
      dot = 'critical';
      text = `Reconnecting: ${connection.reason}`;
      break;
  }
  return (
    <div className="status-item" data-testid="status-connection" role="status" title={connection.status === 'connecting' ? undefined : `${connection.status === 'connected' ? 'Connected' : 'Down'} since ${formatClock(connection.since)}`}>
      <span className={`dot dot-${dot}`} aria-hidden="true" />
      <span>{text}</span>
      {info ? (
        <span className="muted">
          {' · '}
          {info.mode} · v{info.version}
        </span>
      ) : null}
    </div>
  );
}

function FleetFileStatus(): ReactNode {
  const fleet = useAppStore(
    useShallow((s) => ({
      file: s.snapshot?.file,
      hosts: s.snapshot?.hosts.length ?? 0,
      loadedAt: s.snapshot?.loadedAt ?? null,
      broken: s.snapshot?.problem != null,
      streamError: s.fleetStreamError,
    })),
  );
  if (fleet.file === undefined) return <div className="status-item" data-testid="status-fleet-file" />;
  if (fleet.file === null) {
    return (
      <div className="status-item" data-testid="status-fleet-file">
        <Icon name="file" />
        <span className="muted">No fleet file</span>
      </div>
    );
  }
  return (
    <div className="status-item status-file" data-testid="status-fleet-file" title={fleet.file}>
      <Icon name="file" />
      <span className="status-path mono">{fleet.file}</span>
      <span className="muted">
        {' · '}
        {plural(fleet.hosts, 'host')}
        {fleet.loadedAt !== null ? ` · loaded ${formatClock(fleet.loadedAt)}` : ' · not loaded'}
      </span>
      {fleet.broken ? <span className="status-warn">· {baseName(fleet.file)} has an error</span> : null}
      {fleet.streamError ? <span className="status-warn">· updates stopped: {fleet.streamError}</span> : null}
    </div>
  );
}
