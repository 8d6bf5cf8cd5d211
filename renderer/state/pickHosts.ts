import type { Host } from '../../shared/fleet/model';
import type { CheckStateName, HostStatus } from '../../shared/status/schema';
import { hostMatches, searchTerms } from './fleetGroups';

// Which hosts a run or a tail goes to: by environment, role, label, state and name, all of which
// must hold (an empty criterion holds for every host).

export interface HostCriteria {
  environment: string;
  role: string;
  /** key=value, or just key. */
  label: string;
  state: CheckStateName | '';
  /** Search terms as the fleet view's search box takes them. */
  text: string;
}

export const NO_CRITERIA: HostCriteria = { environment: '', role: '', label: '', state: '', text: '' };

export function pickHosts(hosts: readonly Host[], statuses: Readonly<Record<string, HostStatus>>, c: HostCriteria): Host[] {
  const terms = searchTerms(c.text);
  const [labelKey = '', labelValue] = c.label.split('=');
  return hosts.filter(
    (h) =>
      (!c.environment || h.environment === c.environment) &&
      (!c.role || h.roles.includes(c.role)) &&
      (!labelKey || (labelKey in h.labels && (labelValue === undefined || h.labels[labelKey] === labelValue))) &&
      (!c.state || (statuses[h.name]?.state ?? 'UNKNOWN') === c.state) &&
      hostMatches(h, terms),
  );
}

/** Hosts a careless run could hurt: in an environment named production, or labelled so. */
export function productionHosts(hosts: readonly Host[]): Host[] {
  return hosts.filter((h) => /^prod/i.test(h.environment) || /^prod/i.test(h.labels.env ?? '') || /^prod/i.test(h.labels.environment ?? ''));
}
