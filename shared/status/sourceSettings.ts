import { z } from 'zod';
import { ViaSchema } from '../fleet/via';

// The settings of each status source as the fleet file writes them (`- monit: { port: 2812 }`).
// Checked when the file is loaded, so a wrong key or value is reported with its line; the probes
// in electron/core/status read the parsed values with their defaults.

export const DEFAULT_ATTEMPTS = 3;

// `via` here wins over the host's (shared/fleet/via.ts); the SSH probe has no use for it.
const common = { attempts: z.number().int().min(1).max(10).default(DEFAULT_ATTEMPTS), via: ViaSchema.optional() };
const credentials = { user: z.string().optional(), password: z.string().optional() };
const percent = (fallback: number) => z.number().min(0).max(100).default(fallback);
const limits = { disk_warn: percent(85), disk_crit: percent(95), mem_warn: percent(90), mem_crit: percent(97) };

export const SOURCE_SETTINGS = {
  monit: z.strictObject({ port: z.number().int().min(1).max(65535).default(2812), path: z.string().startsWith('/').default('/_status?format=xml'), https: z.boolean().default(false), ...credentials, ...common }),
  node_exporter: z.strictObject({ port: z.number().int().min(1).max(65535).default(9100), path: z.string().startsWith('/').default('/metrics'), ...limits, ...common }),
  http: z.strictObject({
    url: z.string().regex(/^https?:\/\//, 'an http:// or https:// URL ({address} stands for the host\'s)'),
    expect: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    match: z.string().optional(),
    warn_ms: z.number().positive().optional(),
    crit_ms: z.number().positive().optional(),
    ...common,
  }),
  haproxy: z.strictObject({ url: z.string().regex(/^https?:\/\//, 'the stats URL, e.g. "http://{address}:8404/stats;csv"'), ...credentials, ...common }),
  ssh: z.strictObject({ ...limits, attempts: common.attempts }),
  /** The Prometheus that already scrapes the hosts: asked for the whole fleet at once. */
  prometheus: z.strictObject({
    url: z.string().regex(/^https?:\/\//, 'the Prometheus server, e.g. "http://prometheus:9090" (or a Thanos or VictoriaMetrics that answers its API)'),
    /** What the host's series carry in `label`; {address} and {name} stand for the host's. */
    instance: z.string().min(1).default('{address}:9100'),
    label: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name').default('instance'),
    job: z.string().min(1).optional(),
    auth: z.strictObject({ user: z.string(), password: z.string().default('') }).optional(),
    /** The window of rate() for CPU and network: at least twice the scrape interval. */
    rate_window: z.string().regex(/^\d+[smh]$/, 'a PromQL duration such as 2m').default('2m'),
    /** Queries of the user's own, each a check per host: WARNING above warn, CRITICAL above crit. */
    queries: z.array(z.strictObject({ name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . -'), query: z.string().min(1), warn: z.number().optional(), crit: z.number().optional() })).max(20).default([]),
    ...limits,
    attempts: common.attempts,
  }),
} as const;

export type SourceSettingsKind = keyof typeof SOURCE_SETTINGS;
export type SourceSettings<K extends SourceSettingsKind> = z.output<(typeof SOURCE_SETTINGS)[K]>;
export const SOURCE_KINDS = Object.keys(SOURCE_SETTINGS) as SourceSettingsKind[];
