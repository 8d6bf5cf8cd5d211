import { z } from 'zod';

// What the core tells the renderer about the fleet's health: per host, its checks in Nagios
// terms, its latest samples, and the state changes as events. The parsers and health rules that
// produce these live in electron/core/status and shared/health.ts.

export const CheckStateSchema = z.enum(['OK', 'WARNING', 'CRITICAL', 'UNKNOWN']);
export type CheckStateName = z.infer<typeof CheckStateSchema>;

export const CheckStatusSchema = z.object({
  /** Stable within a host, e.g. "monit:process:sshd", "http:health", "haproxy:web/app-1". */
  id: z.string(),
  source: z.enum(['monit', 'node_exporter', 'http', 'haproxy', 'ssh', 'prometheus']),
  name: z.string(),
  state: CheckStateSchema,
  /** A sentence a person understands: what is wrong, or what was measured. */
  reason: z.string(),
  /** Soft until the failure repeats maxAttempts times; then hard (and notified). */
  hard: z.boolean(),
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  /** When the check entered its current state (ms since epoch). */
  since: z.number(),
  flapping: z.boolean(),
});
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const HostStatusSchema = z.object({
  host: z.string(),
  /** The worst state of the host's checks; UNKNOWN before the first poll. */
  state: CheckStateSchema,
  /** False while the worst problem is still soft. */
  hard: z.boolean(),
  /** No fresh data for several intervals. */
  stale: z.boolean(),
  lastPoll: z.number().nullable(),
  /** The reason of the worst check, for tiles and tooltips. */
  summary: z.string(),
  checks: z.array(CheckStatusSchema),
  /** Latest value per metric, e.g. cpu_pct, load1, mem_used_pct, "disk_used_pct:/". */
  latest: z.record(z.string(), z.number()),
});
export type HostStatus = z.infer<typeof HostStatusSchema>;

/** A status source of the whole fleet that gives no answer (a Prometheus that is down, slow,
 * refuses the credentials or answers an error): one problem, shown once, not one per host. */
export const SourceProblemSchema = z.object({
  source: z.literal('prometheus'),
  url: z.string(),
  message: z.string(),
  /** Since when (ms since epoch). */
  since: z.number(),
  /** How many hosts get their status from it (they keep their last checks, and go stale). */
  hosts: z.number().int(),
});
export type SourceProblem = z.infer<typeof SourceProblemSchema>;

/** Sent at most a few times a second: everything first (full), then only the hosts that changed. */
export const StatusBatchSchema = z.object({
  full: z.boolean(),
  at: z.number(),
  hosts: z.array(HostStatusSchema),
  /** Hosts no longer in the fleet (after a reload). */
  removed: z.array(z.string()),
  /** The sources' problems, all of them, when they changed (and in every full batch). */
  problems: z.array(SourceProblemSchema).optional(),
});
export type StatusBatch = z.infer<typeof StatusBatchSchema>;

/** A state change of one check, kept in history and listed in the events view. */
export const StatusEventSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  host: z.string(),
  check: z.string(),
  checkName: z.string(),
  from: CheckStateSchema,
  to: CheckStateSchema,
  hard: z.boolean(),
  reason: z.string(),
});
export type StatusEvent = z.infer<typeof StatusEventSchema>;

export const HISTORY_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
/** How far back each range reaches, in seconds: what the core queries and what a chart's time axis spans. */
export const HISTORY_RANGE_S: Record<(typeof HISTORY_RANGES)[number], number> = { '1h': 3600, '6h': 6 * 3600, '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };

export const SeriesQuerySchema = z.object({
  host: z.string(),
  metrics: z.array(z.string()).min(1).max(20),
  range: z.enum(HISTORY_RANGES),
  /** How many points the chart can draw (its pixel width); the core downsamples to it. */
  points: z.number().int().min(10).max(4000),
});

export type SeriesQuery = z.infer<typeof SeriesQuerySchema>;

export const SeriesSchema = z.object({
  metric: z.string(),
  /** [time ms, average, min, max] per bucket, oldest first. */
  points: z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])),
});
export type Series = z.infer<typeof SeriesSchema>;
