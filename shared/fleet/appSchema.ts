import { z } from 'zod';
import { parseDuration } from '../duration';
import { ViaSchema } from './via';

// An app in the fleet file's `apps:`: where it lives on its hosts, where its code comes from, and
// how a deploy ships it (waves, gates, what to keep). Checked when the file loads, with lines.

const Wave = z.union([z.number().int().min(1), z.string().regex(/^\d{1,3}%$/, 'a wave is a count (1) or a share ("25%")')]);
const Percent = z.string().regex(/^\d{1,3}%$/);
const DurationText = z.union([z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like "30s" or "2m"'), z.number().nonnegative()]);

export const AppSchema = z.strictObject({
  roles: z.array(z.string().min(1)).min(1),
  /** The app's folder on its hosts (Capistrano's deploy_to); may start with ~/. */
  deploy_to: z.string().min(1),
  source: z.union([
    z.strictObject({ git: z.string().min(1), ref: z.string().min(1).default('main') }),
    z.strictObject({ dir: z.string().min(1) }),
    z.strictObject({ tarball: z.string().min(1) }),
  ]),
  linked_files: z.array(z.string().min(1)).default([]),
  linked_dirs: z.array(z.string().min(1)).default([]),
  build: z.string().optional(),
  restart: z.string().optional(),
  health: z.strictObject({ http: z.string().regex(/^https?:\/\//), within: DurationText.default('30s'), expect: z.number().int().optional(), via: ViaSchema.optional() }).optional(),
  /** Also gate each restarted host on its own status checks (no CRITICAL after a fresh poll). */
  status_gate: z.boolean().default(true),
  waves: z.array(Wave).min(1).default([1, '25%', '100%']),
  max_failures: z.union([z.number().int().min(0), Percent]).default(0),
  bake: DurationText.default('0s'),
  keep_releases: z.number().int().min(2).max(100).default(5),
  /** Environments that are stages of this app, in deploy order (staging before production). */
  stages: z.array(z.string().min(1)).optional(),
  notify: z.strictObject({ webhook: z.string().regex(/^https?:\/\//) }).optional(),
  /** The deploy lock (shared/deploy/lock.ts): how often a deploy refreshes its heartbeat on each
   * locked host; after how long without one a lock is stale (taken over after one confirmation,
   * a live one only after the app's name is typed); and, for a lock that has no heartbeat
   * (Capistrano's), after how long since it was taken. */
  lock: z
    .strictObject({ heartbeat: DurationText.default('15s'), stale_after: DurationText.default('45s'), stale_without_heartbeat: DurationText.default('1h') })
    .refine((l) => parseDuration(l.stale_after) >= 2 * parseDuration(l.heartbeat), { message: 'stale_after must be at least twice heartbeat (a beat can be late)', path: ['stale_after'] })
    .prefault({}),
});
export type AppSpec = z.output<typeof AppSchema>;
