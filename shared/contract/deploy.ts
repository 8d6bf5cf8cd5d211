import { z } from 'zod';
import type { RequestDef, StreamDef } from './defs';

// Deploys: one stream per deploy, its progress as it happens.

const Step = z.enum(['preflight', 'lock', 'upload', 'prepare', 'switch', 'restart', 'health', 'rollback', 'cleanup', 'unlock']);
const Outcome = z.enum(['succeeded', 'failed', 'rolled back', 'aborted']);
export const DeployKindSchema = z.enum(['deploy', 'rollback', 'undo']);
export const ControlStateSchema = z.enum(['running', 'paused', 'aborting', 'aborting-rollback']);
export type ControlStateName = z.infer<typeof ControlStateSchema>;
export const ControlActionSchema = z.enum(['pause', 'resume', 'abort', 'abort-rollback']);
export type ControlActionName = z.infer<typeof ControlActionSchema>;

/** How alive a held deploy lock is: the age, measured on the host, of its heartbeat (or, for a lock
 * without one, of the lock), and whether that makes it stale. */
export const LeaseSchema = z.object({ ageSeconds: z.number(), heartbeat: z.boolean(), stale: z.boolean() });

export const DeployEventSchema = z.discriminatedUnion('type', [
  /** First event of every deploy: its id for deploy.control and deploy.watch. */
  z.object({
    type: z.literal('started'),
    id: z.number().int(),
    app: z.string(),
    kind: DeployKindSchema,
    release: z.string(),
    hosts: z.array(z.string()),
    /** The app's stage it goes to (null: an app without stages, or every stage). */
    stage: z.string().nullable(),
    /** A promotion: the stage whose release and revision it ships. */
    promotedFrom: z.string().nullable(),
    /** A new deploy: the git ref it ships (null: a rollback, an undo, or a folder or tarball source). */
    ref: z.string().nullable(),
    /** The waves it runs, in order (null: worked out as it goes, as an undo's are). */
    waves: z.array(z.array(z.string())).nullable(),
  }),
  z.object({ type: z.literal('control'), state: ControlStateSchema }),
  z.object({ type: z.literal('note'), message: z.string() }),
  z.object({ type: z.literal('previous'), hosts: z.record(z.string(), z.string().nullable()) }),
  /** Every host prepared the release from this revision (a git commit, or a dir/tarball's SHA-256). */
  z.object({ type: z.literal('prepared'), revision: z.string() }),
  /** Preflight found a lock on this host that the deploy may not take (shared/deploy/lock.ts). */
  z.object({ type: z.literal('locked'), host: z.string(), holder: z.string(), lease: LeaseSchema }),
  /** A step's state; a running health gate repeats it about once a second with the time so far
   * (`ms`) and how long it may take (`limitMs`). */
  z.object({ type: z.literal('step'), host: z.string(), step: Step, state: z.enum(['running', 'ok', 'failed']), output: z.string(), ms: z.number(), limitMs: z.number().optional() }),
  z.object({ type: z.literal('wave'), index: z.number().int(), hosts: z.array(z.string()), state: z.enum(['running', 'ok', 'failed']) }),
  z.object({ type: z.literal('done'), outcome: Outcome, release: z.string(), message: z.string() }),
]);
export type DeployEventMessage = z.infer<typeof DeployEventSchema>;
export type DeployStepName = z.infer<typeof Step>;
export type DeployKindName = z.infer<typeof DeployKindSchema>;
export type DeployOutcomeName = z.infer<typeof Outcome>;

export const DeployStartSchema = z
  .object({
    app: z.string().min(1),
    ref: z.string().min(1).max(200).optional(),
    release: z.string().regex(/^\d{14}$/).optional(),
    /** Take over the locks of other holders (recorded on each host): 'stale' only stale ones, true
     * any, live ones too (the view asks for the app's name first). */
    takeOver: z.union([z.boolean(), z.literal('stale')]).default(false),
    /** Resume the recorded deploy with this id: same release, prepared hosts re-used. */
    resume: z.number().int().optional(),
    /** Undo the recorded deploy with this id: hosts on its release go back to their previous one. */
    undo: z.number().int().optional(),
    /** One of the app's `stages`: only its hosts. Without it, a new deploy of an app with stages
     * goes to its first stage; a rollback to every stage; a resume or undo to the record's stage. */
    stage: z.string().min(1).optional(),
    /** Promote the recorded deploy with this id (one that succeeded on a stage): the same release,
     * from the same revision, to the next stage. */
    promote: z.number().int().optional(),
    /** A rollback: the id of the plan (deploy.plan) the user confirmed. The core plans again and
     * refuses when the hosts changed since, so the run is the plan that was shown. */
    plan: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  })
  .strict();

const ReleaseFactsSchema = z.object({ ref: z.string().nullable(), revision: z.string().nullable() });

/** What a rollback will do (shared/deploy/rollbackPlan.ts), with an id for deploy.start. */
export const RollbackPlanSchema = z.object({
  id: z.string(),
  app: z.string(),
  release: z.string(),
  stage: z.string().nullable(),
  waves: z.array(z.object({ stage: z.string().nullable(), hosts: z.array(z.object({ host: z.string(), from: z.string().nullable(), to: z.string() })) })),
  unchanged: z.array(z.string()),
  /** Ref and revision of the releases the plan names, where known. */
  facts: z.record(z.string(), ReleaseFactsSchema),
});
export type RollbackPlanMessage = z.infer<typeof RollbackPlanSchema>;

export const deployStreams = {
  /** A deploy's events from its start, then live, ending after `done`. Watching is harmless to
   * repeat (a window that reloads or reconnects finds its deploy again); starting is a request. */
  'deploy.watch': { params: z.object({ id: z.number().int() }).strict(), event: DeployEventSchema, flow: false },
} as const satisfies Record<string, StreamDef>;

export const RunningDeploySchema = z.object({
  id: z.number().int(),
  app: z.string(),
  kind: DeployKindSchema,
  release: z.string(),
  state: ControlStateSchema,
  startedAt: z.number(),
});

const LogEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deploy'), branch: z.string(), revision: z.string(), release: z.string(), user: z.string() }),
  z.object({ kind: z.literal('rollback'), release: z.string(), user: z.string() }),
  z.object({ kind: z.literal('other'), text: z.string() }),
]);

export const HostReleasesSchema = z.object({
  host: z.string(),
  current: z.string().nullable(),
  releases: z.array(z.string()),
  /** Releases a rollback archived in deploy_to (rolled-back-release-<id>.tar.gz), as Capistrano's does. */
  archived: z.array(z.string()),
  /** The last lines of the host's revisions.log, oldest first. */
  log: z.array(LogEntrySchema),
  /** Who holds the deploy lock (its holder line), or null when it is free. */
  lock: z.string().nullable(),
  /** The held lock's heartbeat and staleness (null when it is free). */
  lease: LeaseSchema.nullable(),
  error: z.string().nullable(),
});
export type HostReleasesMessage = z.infer<typeof HostReleasesSchema>;

export const DeployRecordSchema = z.object({
  id: z.number(),
  app: z.string(),
  release: z.string(),
  kind: DeployKindSchema,
  ref: z.string().nullable(),
  user: z.string(),
  machine: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  outcome: z.enum(['succeeded', 'failed', 'rolled back', 'aborted', 'interrupted']).nullable(),
  message: z.string().nullable(),
  hosts: z.array(z.string()),
  steps: z.array(z.object({ host: z.string(), step: z.string(), state: z.string(), ms: z.number(), output: z.string() })),
  previous: z.record(z.string(), z.string().nullable()),
  /** The stage it went to (null: an app without stages, or every stage). */
  stage: z.string().nullable(),
  /** A promotion: the stage it was promoted from. */
  promotedFrom: z.string().nullable(),
  /** What every host prepared the release from, once known: what a promotion ships again. */
  revision: z.string().nullable(),
});
export type DeployRecordMessage = z.infer<typeof DeployRecordSchema>;

export const deployRequests = {
  /** The console's own record of an app's deploys and rollbacks, newest first. */
  'deploy.history': { input: z.object({ app: z.string().min(1) }).strict(), output: z.array(DeployRecordSchema) },
  /** What each host of the app says: releases present, current, revisions.log. */
  'deploy.releases': { input: z.object({ app: z.string().min(1) }).strict(), output: z.array(HostReleasesSchema) },
  /** What a rollback of `app` to `release` (to `stage`, or every stage) would do on which host: the
   * plan its confirmation shows; deploy.start with its id runs exactly it. */
  'deploy.plan': { input: z.object({ app: z.string().min(1), release: z.string().regex(/^\d{14}$/), stage: z.string().min(1).optional() }).strict(), output: RollbackPlanSchema },
  /** Starts a deploy of `app` (at `ref`, or the app's ref), a rollback to `release`, or the resume
   * or undo of a recorded deploy; runs to its end whoever watches. Its id is for deploy.watch. */
  'deploy.start': { input: DeployStartSchema, output: z.object({ id: z.number().int() }) },
  /** Pause, resume, abort, or abort and send the switched hosts back; false when it means nothing now. */
  'deploy.control': { input: z.object({ id: z.number().int(), action: ControlActionSchema }).strict(), output: z.boolean() },
  /** Deploys running in this console now. */
  'deploy.running': { input: z.object({}).strict(), output: z.array(RunningDeploySchema) },
} as const satisfies Record<string, RequestDef>;
