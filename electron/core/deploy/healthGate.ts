import { parseDuration } from '../../../shared/duration';
import type { AppSpec } from '../../../shared/fleet/appSchema';
import type { Host } from '../../../shared/fleet/model';
import { GetFailure, httpGet } from '../http/httpGet';
import { expandUrl } from '../status/probes';
import type { TunnelFor } from '../status/via';
import type { DeployControl } from './deployControl';
import type { DeployEvent } from './deployRunner';

// A restarted host's health gate: the app's health URL must answer as expected, and the host's own
// status checks pass, within `within`; then again after the bake time. While it waits it tells its
// time so far about once a second, so the view can show "health 3 s of 10 s…". A rollback's gate
// (going back) cannot be aborted and looks at the app only.

export interface GateOptions {
  spec: AppSpec;
  host: Host;
  as: 'health' | 'rollback';
  control: DeployControl;
  /** The host's own status checks: null when they pass, else why not. */
  hostGate?: (host: string) => Promise<string | null>;
  /** The SSH channel the health URL is reached through, where `via` says so (status/via.ts). */
  tunnelFor?: TunnelFor;
  onEvent: (e: DeployEvent) => void;
}

/** Resolves when the host passes; throws why not. */
export async function healthGate({ spec, host: h, as, control, hostGate, tunnelFor, onEvent }: GateOptions): Promise<void> {
  const host = h.name;
  const health = spec.health;
  if (!health && (!hostGate || as !== 'health')) return;
  const stoppable = as !== 'rollback';
  const sleep = (ms: number): Promise<void> => (stoppable ? control.wait(ms) : new Promise((r) => setTimeout(r, ms)));
  const url = health ? expandUrl(health.http, h) : null;
  const tunnel = health ? (tunnelFor?.(h, health.via) ?? null) : null;
  const within = parseDuration(health?.within ?? '30s');
  const started = Date.now();
  onEvent({ type: 'step', host, step: as, state: 'running', output: url ?? 'status checks', ms: 0, limitMs: within });
  let last = '';
  let toldAt = started;
  /** The gate's time so far, about once a second. */
  const tell = (output: string, limitMs: number): void => {
    if (Date.now() - toldAt < 1000) return;
    toldAt = Date.now();
    onEvent({ type: 'step', host, step: as, state: 'running', output, ms: toldAt - started, limitMs });
  };
  const ok = async (): Promise<boolean> => {
    if (url) {
      try {
        // Over an SSH channel, the status sources' own GET; direct, fetch as ever.
        const res = tunnel
          ? await httpGet(url, { timeoutMs: 2000, maxBytes: 1 << 20, tunnel }).catch((error: unknown) => {
              if (error instanceof GetFailure && error.kind === 'auth') return { status: 401 };
              throw error;
            })
          : await fetch(url, { signal: AbortSignal.timeout(2000) });
        last = `${url} answered ${res.status}`;
        const good = health?.expect !== undefined ? res.status === health.expect : res.status >= 200 && res.status < 300;
        if (!good) return false;
      } catch (error) {
        last = `${url}: ${(error as Error).message}`;
        return false;
      }
    }
    // Going back is gated on the app only: the host's own checks may be why it goes back.
    const problem = hostGate && as === 'health' ? await hostGate(host) : null;
    if (problem) last = `${last ? `${last}, but ` : ''}${problem}`;
    return problem === null;
  };
  while (!(await ok())) {
    if (Date.now() - started > within) {
      onEvent({ type: 'step', host, step: as, state: 'failed', output: last, ms: Date.now() - started });
      throw new Error(`health of ${host} failed: ${last} (waited ${Math.round(within / 1000)} s)`);
    }
    tell(last, within);
    // Soon after a restart the app is often a few ms from listening: look again quickly.
    await sleep(hostGate ? 500 : Date.now() - started < 2000 ? 100 : 250);
  }
  const bake = parseDuration(spec.bake);
  if (bake > 0 && as === 'health') {
    toldAt = 0;
    tell(`${last}; baking ${Math.round(bake / 1000)} s before looking again`, Date.now() - started + bake);
    await sleep(bake);
    if (!(await ok())) {
      onEvent({ type: 'step', host, step: as, state: 'failed', output: `${last} after the bake time`, ms: Date.now() - started });
      throw new Error(`health of ${host} failed during the bake: ${last}`);
    }
  }
  onEvent({ type: 'step', host, step: as, state: 'ok', output: last, ms: Date.now() - started });
}
