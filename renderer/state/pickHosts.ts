import type { Host } from '../../shared/fleet/model';
import type { CheckStateName, HostStatus } from '../../shared/status/schema';
import { searchableText } from './fleetGroups';

// Which hosts a run or a tail goes to: by environment, role, label, state and name, all of which
// must hold (an empty criterion holds for every host).

export interface HostCriteria {
  environment: string;
  role: string;
  /** key=value, or just key. */
  label: string;
  state: CheckStateName | '';
  /** Names and patterns, separated by commas or spaces ("host-1, host-2", "web-*"): a host
   * named by any of them (a pattern with * or ? is matched against the whole name; a plain term
   * against the name, address, environment, roles and labels, as the fleet view's search). */
  text: string;
}

export const NO_CRITERIA: HostCriteria = { environment: '', role: '', label: '', state: '', text: '' };

export function pickHosts(hosts: readonly Host[], statuses: Readonly<Record<string, HostStatus>>, c: HostCriteria): Host[] {
  const names = new Set(hosts.map((h) => h.name.toLowerCase()));
  const terms = c.text.toLowerCase().split(/[\s,]+/).filter(Boolean).map((term) => termMatcher(term, names));
  const [labelKey = '', labelValue] = c.label.split('=');
  return hosts.filter(
    (h) =>
      (!c.environment || h.environment === c.environment) &&
      (!c.role || h.roles.includes(c.role)) &&
      (!labelKey || (labelKey in h.labels && (labelValue === undefined || h.labels[labelKey] === labelValue))) &&
      (!c.state || (statuses[h.name]?.state ?? 'UNKNOWN') === c.state) &&
      (terms.length === 0 || terms.some((matches) => matches(h))),
  );
}

/** Hosts a careless run could hurt: in an environment named production, or labelled so. */
export function productionHosts(hosts: readonly Host[]): Host[] {
  return hosts.filter((h) => /^prod/i.test(h.environment) || /^prod/i.test(h.labels.env ?? '') || /^prod/i.test(h.labels.environment ?? ''));
}

/** A host's exact name picks that host alone (host-1, not host-10 too); a pattern matches whole
 * names; anything else is searched for. */
function termMatcher(term: string, names: ReadonlySet<string>): (host: Host) => boolean {
  if (names.has(term)) return (host) => host.name.toLowerCase() === term;
  if (!/[*?]/.test(term)) return (host) => searchableText(host).some((field) => field.includes(term));
  const pattern = new RegExp(`^${term.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (host) => pattern.test(host.name.toLowerCase());
}
