import { z } from 'zod';
import type { RequestDef, StreamDef } from './defs';

// Deploys: one stream per deploy, its progress as it happens.

const Step = z.enum(['preflight', 'lock', 'prepare', 'switch', 'restart', 'health', 'rollback', 'cleanup', 'unlock']);

export const DeployEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), host: z.string(), step: Step, state: z.enum(['running', 'ok', 'failed']), output: z.string(), ms: z.number() }),
  z.object({ type: z.literal('wave'), index: z.number().int(), hosts: z.array(z.string()), state: z.enum(['running', 'ok', 'failed']) }),
  z.object({ type: z.literal('done'), outcome: z.enum(['succeeded', 'failed', 'rolled back']), release: z.string(), message: z.string() }),
]);
export type DeployEventMessage = z.infer<typeof DeployEventSchema>;

export const deployStreams = {
  /** Deploys `app` (at `ref`, or the app's ref), or rolls back to `release`; closing does not stop it. */
  'deploy.run': {
    params: z
      .object({
        app: z.string().min(1),
        ref: z.string().min(1).max(200).optional(),
        release: z.string().regex(/^\d{14}$/).optional(),
        /** Take over a lock another holder left (recorded on each host). */
        takeOver: z.boolean().default(false),
      })
      .strict(),
    event: DeployEventSchema,
    flow: false,
  },
} as const satisfies Record<string, StreamDef>;

const LogEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deploy'), branch: z.string(), revision: z.string(), release: z.string(), user: z.string() }),
  z.object({ kind: z.literal('rollback'), release: z.string(), user: z.string() }),
  z.object({ kind: z.literal('other'), text: z.string() }),
]);

export const HostReleasesSchema = z.object({
  host: z.string(),
  current: z.string().nullable(),
  releases: z.array(z.string()),
  /** The last lines of the host's revisions.log, oldest first. */
  log: z.array(LogEntrySchema),
  error: z.string().nullable(),
});
export type HostReleasesMessage = z.infer<typeof HostReleasesSchema>;

export const DeployRecordSchema = z.object({
  id: z.number(),
  app: z.string(),
  release: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  ref: z.string().nullable(),
  user: z.string(),
  machine: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  outcome: z.enum(['succeeded', 'failed', 'rolled back', 'interrupted']).nullable(),
  message: z.string().nullable(),
  hosts: z.array(z.string()),
  steps: z.array(z.object({ host: z.string(), step: z.string(), state: z.string(), ms: z.number(), output: z.string() })),
});
export type DeployRecordMessage = z.infer<typeof DeployRecordSchema>;

export const deployRequests = {
  /** The console's own record of an app's deploys and rollbacks, newest first. */
  'deploy.history': { input: z.object({ app: z.string().min(1) }).strict(), output: z.array(DeployRecordSchema) },
  /** What each host of the app says: releases present, current, revisions.log. */
  'deploy.releases': { input: z.object({ app: z.string().min(1) }).strict(), output: z.array(HostReleasesSchema) },
} as const satisfies Record<string, RequestDef>;
