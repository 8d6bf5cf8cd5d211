import type { SourceResult } from '../../../../shared/status/model';

// A plain HTTP health check: the status code, the latency and optionally a match in the body.

export interface HttpAnswer {
  status: number;
  latencyMs: number;
  body: string;
}

export interface HttpCheckOptions {
  url: string;
  /** Acceptable status codes (default: any 2xx). */
  expect?: number | number[];
  /** A regular expression the body must match. */
  match?: string;
  warnMs?: number;
  critMs?: number;
}

export function httpCheck(answer: HttpAnswer, options: HttpCheckOptions): SourceResult {
  const base = { id: 'http:health', source: 'http' as const, name: `health ${options.url}` };
  // The latency sample is the probe's, as for every source (probes.ts, answered).
  const samples: SourceResult['samples'] = [];
  const expected = options.expect === undefined ? null : ([] as number[]).concat(options.expect);
  const okStatus = expected ? expected.includes(answer.status) : answer.status >= 200 && answer.status < 300;
  const ms = `${Math.round(answer.latencyMs)} ms`;
  if (!okStatus) {
    const want = expected ? expected.join(' or ') : '2xx';
    return { checks: [{ ...base, state: 'CRITICAL', reason: `${options.url} answered ${answer.status}, expected ${want} (${ms})` }], samples };
  }
  if (options.match !== undefined && !safeTest(options.match, answer.body)) {
    return { checks: [{ ...base, state: 'CRITICAL', reason: `${options.url} answered ${answer.status} but the body does not match /${options.match}/` }], samples };
  }
  if (options.critMs !== undefined && answer.latencyMs >= options.critMs) {
    return { checks: [{ ...base, state: 'CRITICAL', reason: `${options.url} took ${ms} (critical at ${options.critMs} ms)` }], samples };
  }
  if (options.warnMs !== undefined && answer.latencyMs >= options.warnMs) {
    return { checks: [{ ...base, state: 'WARNING', reason: `${options.url} took ${ms} (warning at ${options.warnMs} ms)` }], samples };
  }
  return { checks: [{ ...base, state: 'OK', reason: `${options.url} answered ${answer.status} in ${ms}` }], samples };
}

function safeTest(pattern: string, body: string): boolean {
  try {
    return new RegExp(pattern).test(body.slice(0, 65536));
  } catch {
    return false;
  }
}
