import { z } from 'zod';
import { parseDuration } from '../duration';
import { AppSchema } from './appSchema';
import { hostNameProblem, jumpProblem, userProblem } from './names';
import { ViaSchema } from './via';
import { PrometheusTls, SOURCE_KINDS, SOURCE_SETTINGS, type SourceSettingsKind } from '../status/sourceSettings';

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

/** A string that `problem` (./names.ts) accepts: the error names the rule and the character refused. */
const Checked = (problem: (value: string) => string | null) =>
  z.string().min(1).superRefine((value, ctx) => {
    const why = problem(value);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });
const HostName = Checked((v) => hostNameProblem(v));
const Address = Checked((v) => hostNameProblem(v, 'address'));

const LabelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const settingsShape = {
  user: Checked(userProblem).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identity: z.string().min(1).optional(),
  known_hosts: z.string().min(1).optional(),
  jump: Checked(jumpProblem).optional(),
  via: ViaSchema.optional(),
  interval: Duration.optional(),
  labels: z.record(z.string(), LabelValue).optional(),
  status: z.array(StatusSource).optional(),
};
const Settings = z.strictObject(settingsShape);
export type Settings = z.output<typeof Settings>;

/** A host in a role: a name (or a range like "app-[01:12]"), or an object with its settings. */
const HostEntry = z.preprocess(
  (value) => (typeof value === 'string' ? { name: value } : value),
  z.strictObject({ name: HostName, address: Address.optional(), ...settingsShape }),
);
export type HostEntry = z.output<typeof HostEntry>;

/** A role: a list of hosts, or an object with `hosts` and settings for all of them. */
const Role = z.preprocess(
  (value) => (Array.isArray(value) ? { hosts: value } : value),
  z.strictObject({ hosts: z.array(HostEntry), ...settingsShape }),
);

const Environment = z.strictObject({ ...settingsShape, roles: z.record(z.string(), Role) });

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');

/** Hosts pulled from what the user already has: `{ ssh_config: ~/.ssh/config }`,
 * `{ ansible: ./inventory.ini, environment: production }`, or the active targets of a Prometheus
 * (`{ prometheus: http://prometheus:9090, job: node }`). */
const Import = z
  .strictObject({
    ssh_config: z.string().min(1).optional(),
    ansible: z.string().min(1).optional(),
    prometheus: z.string().regex(/^https?:\/\//, 'the Prometheus server, e.g. "http://prometheus:9090"').optional(),
    /** prometheus only: the targets of this job alone. */
    job: z.string().min(1).optional(),
    /** prometheus only: the target labels that give a host's name (default: the host part of
     * `instance`), environment and role (default: its job), and the labels it keeps (default all). */
    name_label: labelName.optional(),
    environment_label: labelName.optional(),
    role_label: labelName.optional(),
    labels: z.array(labelName).optional(),
    /** prometheus only: basic auth for its API. */
    auth: z.strictObject({ user: z.string(), password: z.string().default('') }).optional(),
    /** prometheus only: how an https URL's certificate is checked, as for the prometheus source. */
    tls: PrometheusTls.optional(),
    /** The environment of every imported host (ssh_config: default "ssh-config"; ansible: a group
     * named like an environment, else "ansible"). */
    environment: z.string().min(1).optional(),
    /** ssh_config only: the role of the imported hosts (default "hosts"; Ansible's groups are roles). */
    role: z.string().min(1).optional(),
  })
  .superRefine((entry, ctx) => {
    const prometheusOnly = (['job', 'name_label', 'environment_label', 'role_label', 'labels', 'auth', 'tls'] as const).find((key) => entry[key] !== undefined);
    if ([entry.ssh_config, entry.ansible, entry.prometheus].filter((source) => source !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'an import names one source: `ssh_config: ~/.ssh/config`, `ansible: ./inventory.ini` or `prometheus: http://prometheus:9090`' });
    } else if (entry.prometheus === undefined && prometheusOnly) {
      ctx.addIssue({ code: 'custom', path: [prometheusOnly], message: `\`${prometheusOnly}\` is for a prometheus import` });
    } else if (entry.ansible !== undefined && entry.role !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'an Ansible import takes its roles from the inventory’s groups; `role` is for ssh_config' });
    }
  });
export type ImportSpec = z.output<typeof Import>;

export const FleetFileSchema = z
  .strictObject({
    version: z.literal(1).optional(),
    defaults: Settings.optional(),
    environments: z.record(z.string(), Environment).optional(),
    imports: z.array(Import).optional(),
    /** Per-host settings by name, for hosts named in roles or imported (addresses, labels, ports). */
    hosts: z.record(z.string(), z.strictObject({ address: Address.optional(), ...settingsShape })).optional(),
    /** Apps to deploy (shared/fleet/appSchema.ts). */
    apps: z.record(z.string(), AppSchema).optional(),
  })
  .superRefine((file, ctx) => {
    for (const name of Object.keys(file.hosts ?? {})) {
      const why = hostNameProblem(name);
      if (why) ctx.addIssue({ code: 'custom', path: ['hosts', name], message: why });
    }
    if (!file.environments && !file.imports?.length) {
      ctx.addIssue({ code: 'custom', path: ['environments'], message: 'missing (required): name environments with roles and hosts, or import hosts with `imports:`' });
    }
  });
export type FleetFile = z.output<typeof FleetFileSchema>;
