import { z } from 'zod';
import { parseDuration } from '../duration';
import { SOURCE_KINDS, SOURCE_SETTINGS, type SourceSettingsKind } from '../status/sourceSettings';

// The fleet file as written by people. Every setting may stand at every level (defaults,
// environment, role, host); the lower level wins. Objects are strict so that a misspelt key is
// an error pointed at its line, not a setting silently ignored.


const Duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** `- monit: { port: 2812 }`: one key naming the source, its settings checked by that source's schema. */
const StatusSource = z.record(z.string(), z.unknown()).superRefine((source, ctx) => {
  const keys = Object.keys(source);
  const kind = keys[0] as SourceSettingsKind;
  if (keys.length !== 1 || !SOURCE_KINDS.includes(kind)) {
    ctx.addIssue({ code: 'custom', message: `a status source is one of ${SOURCE_KINDS.join(', ')}, e.g. "- monit: { port: 2812 }"` });
    return;
  }
  const parsed = SOURCE_SETTINGS[kind].safeParse(source[kind] ?? {});
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [kind, ...issue.path] } as never);
});

const LabelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const settingsShape = {
  user: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identity: z.string().min(1).optional(),
  known_hosts: z.string().min(1).optional(),
  jump: z.string().min(1).optional(),
  interval: Duration.optional(),
  labels: z.record(z.string(), LabelValue).optional(),
  status: z.array(StatusSource).optional(),
};
const Settings = z.strictObject(settingsShape);
export type Settings = z.output<typeof Settings>;

/** A host in a role: a name (or a range like "app-[01:12]"), or an object with its settings. */
const HostEntry = z.preprocess(
  (value) => (typeof value === 'string' ? { name: value } : value),
  z.strictObject({ name: z.string().min(1), address: z.string().min(1).optional(), ...settingsShape }),
);
export type HostEntry = z.output<typeof HostEntry>;

/** A role: a list of hosts, or an object with `hosts` and settings for all of them. */
const Role = z.preprocess(
  (value) => (Array.isArray(value) ? { hosts: value } : value),
  z.strictObject({ hosts: z.array(HostEntry), ...settingsShape }),
);

const Environment = z.strictObject({ ...settingsShape, roles: z.record(z.string(), Role) });

export const FleetFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  defaults: Settings.optional(),
  environments: z.record(z.string(), Environment),
  /** Per-host settings by name, for hosts named in roles (addresses, labels, ports). */
  hosts: z.record(z.string(), z.strictObject({ address: z.string().min(1).optional(), ...settingsShape })).optional(),
  /** Apps to deploy; read by the deploy service. */
  apps: z.record(z.string(), z.unknown()).optional(),
});
export type FleetFile = z.output<typeof FleetFileSchema>;
