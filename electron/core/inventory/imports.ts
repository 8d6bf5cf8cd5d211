import path from 'node:path';
import type { ImportedHost } from '../../../shared/fleet/imported';
import type { FleetProblem } from '../../../shared/fleet/model';
import type { ImportSpec } from '../../../shared/fleet/schema';
import { readAnsibleInventory } from './ansible';
import { targetsToHosts, type FollowedImport, type RemoteTargets } from './prometheusTargets';
import { expandTilde, readSshConfig } from './sshConfig';

// The `imports:` of a fleet file, read. An error in an imported file stops the load like an error
// in the fleet file itself (the console keeps the last good fleet and points at the imported
// file's line); notes (a skipped Match block, an Include that matches nothing) ride along.

export interface ImportsRead {
  hosts: ImportedHost[];
  notes: FleetProblem[];
  /** Every file read, for the watcher. */
  files: string[];
  /** Every Prometheus imported from, for FleetService to follow. */
  urls: FollowedImport[];
  error: FleetProblem | null;
}

export function readImports(specs: readonly ImportSpec[], fleetFile: string, home: string, remote?: (url: string) => RemoteTargets | undefined): ImportsRead {
  const out: ImportsRead = { hosts: [], notes: [], files: [], urls: [], error: null };
  const dir = path.dirname(fleetFile);
  for (const spec of specs) {
    if (spec.prometheus !== undefined) {
      out.urls.push({ url: spec.prometheus, auth: spec.auth && `${spec.auth.user}:${spec.auth.password}` });
      const answer = remote?.(spec.prometheus);
      if (!answer) out.notes.push({ file: spec.prometheus, line: 0, column: 0, message: 'waiting for the first answer of this Prometheus: its targets become hosts then' });
      else if ('error' in answer) out.error ??= { file: fleetFile, line: 0, column: 0, message: `the import of ${answer.error}` };
      else {
        const result = targetsToHosts(answer.targets, spec, spec.prometheus);
        out.hosts.push(...result.hosts);
        out.notes.push(...result.problems.map(({ severity: _, ...note }) => note));
      }
      continue;
    }
    const source = spec.ssh_config ?? spec.ansible ?? '';
    const file = path.resolve(dir, expandTilde(source, home));
    const result = spec.ssh_config !== undefined
      ? readSshConfig({ home, file, environment: spec.environment, role: spec.role })
      : readAnsibleInventory({ home, file, environment: spec.environment });
    // A file that is missing is watched too, so that creating it loads it.
    out.files.push(...new Set([file, ...result.files]));
    out.hosts.push(...result.hosts);
    for (const { severity, ...problem } of result.problems) {
      if (severity === 'note') out.notes.push(problem);
      else out.error ??= { ...problem, message: `${problem.message} (imported by ${path.basename(fleetFile)})` };
    }
  }
  return out;
}
