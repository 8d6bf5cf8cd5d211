import type { AppSpec } from '../fleet/appSchema';

// The deploy plan in words, one line per step, as the Deploys view shows it before the user
// confirms: what runs on each host and in which order. Kept beside the app's settings so the
// plan shown and the fleet file cannot disagree.

/** Where an app's code comes from, in words ("git /srv/git/shop.git @ main", "folder ./build"). */
export function sourceText(source: AppSpec['source']): string {
  return 'git' in source ? `git ${source.git} @ ${source.ref}` : 'dir' in source ? `folder ${source.dir}` : `tarball ${source.tarball}`;
}

export function planSteps(spec: AppSpec): Array<{ step: string; what: string }> {
  const source = spec.source;
  const from = 'git' in source ? `git ${source.git} @ ${source.ref} (mirror in repo/)` : 'dir' in source ? `folder ${source.dir}, packed and uploaded over SFTP` : `tarball ${source.tarball}, uploaded over SFTP`;
  const linked = [...spec.linked_files, ...spec.linked_dirs];
  const health = [spec.health ? `${spec.health.http} within ${spec.health.within}` : null, spec.status_gate ? "the host's status checks" : null].filter(Boolean).join(' and ');
  return [
    { step: 'preflight', what: `reachable, 100 MB free in ${spec.deploy_to}, no lock${spec.linked_files.length ? ', linked files present' : ''}` },
    { step: 'lock', what: `${spec.deploy_to}/.fleetdeck/lock (holder, console, start time)` },
    { step: 'prepare', what: `releases/<id> from ${from}${linked.length ? `; links shared/ ${linked.join(', ')}` : ''}${spec.build ? `; build: ${spec.build}` : ''}` },
    { step: 'switch', what: 'current → releases/<id> (symlink renamed into place)' },
    ...(spec.restart ? [{ step: 'restart', what: spec.restart }] : []),
    ...(health ? [{ step: 'health', what: `${health}${spec.bake !== '0s' && spec.bake !== 0 ? `, then again after ${spec.bake}` : ''}` }] : []),
    { step: 'cleanup', what: `revisions.log; keep ${spec.keep_releases} releases (never current nor the previous one)` },
  ];
}
