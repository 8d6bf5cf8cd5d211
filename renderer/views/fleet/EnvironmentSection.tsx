import { memo, useState, type ReactNode } from 'react';
import { plural } from '../../parts/format';
import { Icon } from '../../parts/Icon';
import type { EnvironmentGroup } from '../../state/fleetGroups';
import { useAppStore } from '../../state/react';
import { HostRow } from './HostRow';

// One environment: its header (name, host count, roles with their counts, fold button) and a
// table of its hosts, one row group per role in the order the fleet file gives them. A role of
// thousands shows its first ROWS_SHOWN rows and a button for the rest: ten thousand rows take
// seconds to draw, and the search finds any host.

const ROWS_SHOWN = 100;

export const EnvironmentSection = memo(function EnvironmentSection({
  group,
  searching,
}: {
  group: EnvironmentGroup;
  searching: boolean;
}): ReactNode {
  const collapsed = useAppStore((s) => s.collapsed[group.name] === true);
  const [allRowsOf, setAllRowsOf] = useState<ReadonlySet<string>>(new Set());
  const toggle = useAppStore((s) => s.toggleEnvironment);
  const headingId = `env-${group.name}`;
  const bodyId = `env-${group.name}-hosts`;
  return (
    <section className="env" data-testid="env-section" data-env={group.name} aria-labelledby={headingId}>
      <header className="env-header">
        <button
          type="button"
          className="env-toggle"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          aria-label={`${collapsed ? 'Show' : 'Hide'} the hosts of ${group.name}`}
          onClick={() => toggle(group.name)}
        >
          <Icon name="chevron" className={collapsed ? 'chevron' : 'chevron chevron-open'} />
        </button>
        <h2 id={headingId} className="env-name">
          {group.name}
        </h2>
        <span className="env-count" data-testid="env-count">
          {searching ? `${group.matched} of ${group.total}` : plural(group.total, 'host')}
        </span>
        {group.jump ? <span className="env-jump muted">via {group.jump}</span> : null}
        <span className="env-roles muted">
          {group.roles.map((r) => (
            <span key={r.role} className="env-role">
              {r.role} <span className="num">{r.hosts.length + r.also.length}</span>
            </span>
          ))}
        </span>
      </header>
      {collapsed ? null : (
        <table className="hosts" id={bodyId} aria-labelledby={headingId}>
          <colgroup>
            <col className="col-name" />
            <col className="col-health" />
            <col className="col-address" />
            <col className="col-user" />
            <col className="col-roles" />
            <col className="col-labels" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">Health</th>
              <th scope="col">Address</th>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">Labels</th>
            </tr>
          </thead>
          {group.roles.map((r) => (
            <RoleRows
              key={r.role}
              role={r}
              envJump={group.jump}
              all={allRowsOf.has(r.role)}
              showAll={() => setAllRowsOf(new Set([...allRowsOf, r.role]))}
            />
          ))}
        </table>
      )}
    </section>
  );
});

/** One role's rows: its first ROWS_SHOWN hosts (all of them once asked), hosts listed under
 * another role, or a line saying it has none. */
function RoleRows(props: { role: EnvironmentGroup['roles'][number]; envJump: string | null; all: boolean; showAll(): void }): ReactNode {
  const { role: r, envJump, all, showAll } = props;
  return (
    <tbody data-role={r.role}>
      <tr className="role-row">
        <th scope="rowgroup" colSpan={6}>
          {r.role} <span className="muted num">{r.hosts.length + r.also.length}</span>
        </th>
      </tr>
      {(all ? r.hosts : r.hosts.slice(0, ROWS_SHOWN)).map((h) => (
        <HostRow key={h.name} host={h} envJump={envJump} />
      ))}
      {r.hosts.length > ROWS_SHOWN && !all ? (
        <tr className="host-more">
          <td colSpan={6} className="muted">
            {ROWS_SHOWN} of {r.hosts.length.toLocaleString('en')} shown.{' '}
            <button type="button" className="link" data-testid="role-show-all" onClick={showAll}>
              Show all {r.hosts.length.toLocaleString('en')} hosts of {r.role}
            </button>
          </td>
        </tr>
      ) : null}
      {r.also.length > 0 ? (
        <tr className="host-also">
          <td colSpan={6} className="muted">
            Also in this role:{' '}
            {r.also.map((h, i) => (
              <span key={h.name}>
                {i > 0 ? ', ' : null}
                <span className="also-name">{h.name}</span> (listed under {h.roles[0]})
              </span>
            ))}
          </td>
        </tr>
      ) : null}
      {r.hosts.length + r.also.length === 0 ? (
        <tr className="host-none">
          <td colSpan={6} className="muted">
            No hosts in this role.
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
