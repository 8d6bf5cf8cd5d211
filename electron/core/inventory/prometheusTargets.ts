import type { ImportedHost, ImportResult } from '../../../shared/fleet/imported';
import type { ImportSpec } from '../../../shared/fleet/schema';
import { GetFailure, httpGet } from '../http/httpGet';
import { parseTargets, type PromTarget } from '../status/prometheus';
import { ParseError } from '../common/parseError';

// The fleet from a Prometheus: its active targets (/api/v1/targets) become hosts, their labels
// mapped to name, environment, role and labels as the import says. The fleet's loading is
// synchronous (files), so the targets are fetched beside it (FleetService follows the URL) and
// handed to the loading as the latest answer; this file maps them, and fetches them.

/** The latest answer of a Prometheus import's URL: its targets, or why there are none. */
export type RemoteTargets = { targets: PromTarget[] } | { error: string };

const MAX_TARGETS_BYTES = 64 << 20;

/** A Prometheus import as FleetService follows it. */
export interface FollowedImport {
  url: string;
  /** user:password, for basic auth. */
  auth?: string | undefined;
}

export async function fetchTargets({ url, auth }: FollowedImport, timeoutMs: number): Promise<RemoteTargets> {
  const where = `${url.replace(/\/+$/, '')}/api/v1/targets?state=active`;
  try {
    const answer = await httpGet(where, { timeoutMs, maxBytes: MAX_TARGETS_BYTES, auth });
    if (answer.status !== 200) return { error: `Prometheus at ${url} answered HTTP ${answer.status}` };
    return { targets: parseTargets(answer.body) };
  } catch (error) {
    const known = error instanceof GetFailure || error instanceof ParseError;
    return { error: `Prometheus at ${url}: ${known ? error.message : `could not read the answer: ${(error as Error).message}`}` };
  }
}

/** The host part of host:port, [v6]:port or a bare host. */
function hostPart(instance: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (v6) return v6[1]!;
  return instance.replace(/:\d+$/, '');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The hosts of the active targets; a target of several jobs is one host with each job's role. */
export function targetsToHosts(targets: readonly PromTarget[], spec: ImportSpec, url: string): ImportResult {
  const byName = new Map<string, ImportedHost>();
  const problems: ImportResult['problems'] = [];
  const used = new Set(['instance', 'job', spec.name_label, spec.environment_label, spec.role_label]);
  for (const { labels } of targets) {
    if (spec.job !== undefined && labels.job !== spec.job) continue;
    const own = (key: string | undefined): string | undefined => (key !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined);
    const address = hostPart(own('instance') ?? '');
    const name = own(spec.name_label) ?? address;
    if (!NAME.test(name)) {
      problems.push({ severity: 'note', file: url, line: 0, column: 0, message: `a target named "${name.slice(0, 80)}" is not a host name Fleetdeck takes; skipped` });
      continue;
    }
    const role = own(spec.role_label ?? 'job') ?? spec.role ?? 'hosts';
    const known = byName.get(name);
    if (known) {
      if (!known.roles.includes(role)) known.roles.push(role);
      continue;
    }
    const kept = Object.entries(labels).filter(([key]) => !used.has(key) && (spec.labels === undefined || spec.labels.includes(key)));
    byName.set(name, {
      name,
      address,
      environment: own(spec.environment_label) ?? spec.environment ?? 'prometheus',
      roles: [role],
      settings: { labels: Object.fromEntries(kept) },
      source: { file: url, line: 0 },
    });
  }
  return { hosts: [...byName.values()], problems, files: [] };
}
