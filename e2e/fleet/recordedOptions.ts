// The options a fleet dir was last brought up with (fleet-options.json), so that `npm run fleet --
// up` on the demo's dir, as given to bring a stopped host back, writes the same fleet file: the
// same stages, poll interval and addresses, not the CLI's defaults. Kept by `down`, so the next
// `up` of the dir is the same fleet again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetOptions } from './fleet';

export type RecordedOptions = Pick<FleetOptions, 'hosts' | 'firstIndex' | 'nodeExporter' | 'interval' | 'sampleApp' | 'appStages' | 'haproxy' | 'privateHosts'>;

const FILE = 'fleet-options.json';
const KEYS = ['hosts', 'firstIndex', 'nodeExporter', 'interval', 'sampleApp', 'appStages', 'haproxy', 'privateHosts'] as const;

export function recordOptions(dir: string, opts: FleetOptions): void {
  const record: Partial<RecordedOptions> = {};
  for (const key of KEYS) if (opts[key] !== undefined) (record as Record<string, unknown>)[key] = opts[key];
  writeFileSync(join(dir, FILE), JSON.stringify(record, null, 2) + '\n');
}

/** What the dir was last brought up with; null for a new dir (or a record that cannot be read). */
export function readRecordedOptions(dir: string): Partial<RecordedOptions> | null {
  const file = join(dir, FILE);
  if (!existsSync(file)) return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const record: Partial<RecordedOptions> = {};
    for (const key of KEYS) if (Object.hasOwn(parsed, key)) (record as Record<string, unknown>)[key] = (parsed as Record<string, unknown>)[key];
    return record;
  } catch {
    return null;
  }
}

/** The CLI's `up`: what its flags say, else what the dir was brought up with, else the defaults. */
export function upOptions(given: Partial<RecordedOptions>, recorded: Partial<RecordedOptions> | null): RecordedOptions {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { hosts: 3, nodeExporter: true, sampleApp: true, ...recorded, ...defined };
}
