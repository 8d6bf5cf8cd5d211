import { memo, type ReactNode } from 'react';
import type { Host } from '../../../shared/fleet/model';
import { Badge } from '../../parts/Badge';
import { useAppStore } from '../../state/react';
import { HostStateDot } from '../terminals/HostStateDot';

// One host of the fleet: name, where to connect, as whom, its roles and labels. Rows re-render
// only when a new snapshot replaces their host. A jump host the whole environment shares is shown
// once in its header; a row names its own only when it differs.

export const HostRow = memo(function HostRow({ host, envJump }: { host: Host; envJump: string | null }): ReactNode {
  const labels = Object.entries(host.labels);
  const openTerminal = useAppStore((s) => s.openTerminal);
  return (
    <tr className="host" data-testid="host-row" data-host={host.name}>
      <td className="host-name">
        <span className="name">{host.name}</span>{' '}
        <button
          type="button"
          className="link host-shell"
          data-testid="host-shell"
          title={`Open a shell on ${host.name}`}
          onClick={() => openTerminal(host.name)}
        >
          shell
        </button>
        {host.jump && host.jump !== envJump ? (
          <span className="via muted" title={`Connects through ${host.jump}`}>
            via {host.jump}
          </span>
        ) : null}
      </td>
      <td className="host-health">
        <HostHealth host={host.name} />
      </td>
      <td className="mono host-address" title={`${host.address}:${host.port}`}>
        {host.address}
        <span className="muted">:{host.port}</span>
      </td>
      <td className="mono host-user">{host.user}</td>
      <td className="host-roles">
        {host.roles.map((r) => (
          <Badge key={r}>{r}</Badge>
        ))}
      </td>
      <td className="host-labels">
        {labels.map(([k, v]) => (
          <Badge key={k} mono tone="accent">
            {k}={v}
          </Badge>
        ))}
      </td>
    </tr>
  );
});

/** The host's state as the map shows it; a row re-renders only when its own host's state changes. */
function HostHealth({ host }: { host: string }): ReactNode {
  const state = useAppStore((s) => s.statuses[host]?.state ?? 'PENDING');
  const soft = useAppStore((s) => s.statuses[host]?.hard === false && s.statuses[host]?.state !== 'OK');
  return (
    <span data-testid="host-health" data-state={state}>
      <HostStateDot host={host} /> <span className={`state-text state-${state.toLowerCase()}`}>{state}</span>
      {soft ? <span className="muted"> soft</span> : null}
    </span>
  );
}
