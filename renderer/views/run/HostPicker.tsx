import { useMemo, type ReactNode } from 'react';
import type { Host } from '../../../shared/fleet/model';
import { plural } from '../../parts/format';
import { pickHosts, type HostCriteria } from '../../state/pickHosts';
import { useAppStore, useAppStoreApi } from '../../state/react';

// Choosing the hosts of a run or a tail: environment, role, label, state and name.

export function useAllHosts(): readonly Host[] {
  return useAppStore((s) => s.snapshot?.hosts) ?? [];
}

export function usePicked(criteria: HostCriteria): Host[] {
  const hosts = useAllHosts();
  const store = useAppStoreApi();
  // The state criterion reads the statuses at the moment the criteria change.
  return useMemo(() => pickHosts(hosts, store.getState().statuses, criteria), [hosts, criteria, store]);
}

export function HostPicker({
  criteria,
  onChange,
  picked,
}: {
  criteria: HostCriteria;
  onChange: (c: HostCriteria) => void;
  picked: readonly Host[];
}): ReactNode {
  const hosts = useAllHosts();
  const environments = [...new Set(hosts.map((h) => h.environment))];
  const roles = [...new Set(hosts.flatMap((h) => h.roles))];
  const set = (patch: Partial<HostCriteria>): void => onChange({ ...criteria, ...patch });
  return (
    <fieldset className="host-picker" data-testid="host-picker">
      <legend>Hosts</legend>
      <select className="input" aria-label="Environment" value={criteria.environment} onChange={(e) => set({ environment: e.target.value })}>
        <option value="">every environment</option>
        {environments.map((e) => (
          <option key={e}>{e}</option>
        ))}
      </select>
      <select className="input" aria-label="Role" data-testid="pick-role" value={criteria.role} onChange={(e) => set({ role: e.target.value })}>
        <option value="">every role</option>
        {roles.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <input className="input" aria-label="Label" placeholder="label=value" value={criteria.label} onChange={(e) => set({ label: e.target.value })} />
      <select className="input" aria-label="State" value={criteria.state} onChange={(e) => set({ state: e.target.value as HostCriteria['state'] })}>
        <option value="">any state</option>
        <option>CRITICAL</option>
        <option>WARNING</option>
        <option>UNKNOWN</option>
        <option>OK</option>
      </select>
      <input className="input host-names" aria-label="Names" data-testid="pick-names" placeholder="names or patterns: host-1, web-*" value={criteria.text} onChange={(e) => set({ text: e.target.value })} />
      {picked.length === 0 && hosts.length > 0 ? (
        <span className="state-text state-warning" data-testid="picked-count" role="status">
          No host matches{criteria.text.trim() ? ` “${criteria.text.trim()}”` : ' these choices'}
        </span>
      ) : (
        <span className="muted" data-testid="picked-count" title={picked.map((h) => h.name).join(', ')}>
          {plural(picked.length, 'host')}
        </span>
      )}
    </fieldset>
  );
}
