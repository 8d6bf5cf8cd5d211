import type { Check, CheckState, SourceResult } from '../../../../shared/status/model';
import { describeForeignBody, ParseError } from '../../common/parseError';

// HAProxy's `;csv` stats: each backend server becomes a check on the lb host, so a server the
// load balancer marks DOWN or MAINT shows on the map. The rows also say which server is in which
// state, for marking the app hosts themselves.

export interface HaproxyServer {
  backend: string;
  server: string;
  status: string;
  state: CheckState;
  address: string | null;
}

const CHECK_STATUS: Record<string, string> = {
  L4CON: 'connection refused or timed out',
  L4TOUT: 'connection timed out',
  L6TOUT: 'TLS handshake timed out',
  L6RSP: 'TLS handshake failed',
  L7TOUT: 'health check timed out',
  L7RSP: 'invalid health check response',
  L7STS: 'health check returned an error status',
  SOCKERR: 'socket error',
};

export function parseHaproxyCsv(text: string): { result: SourceResult; servers: HaproxyServer[] } {
  const foreign = describeForeignBody(text);
  if (foreign) throw new ParseError(`not HAProxy stats: ${foreign}`);
  const lines = text.split('\n');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (name: string): number => header.indexOf(name);
  const [px, sv, status, checkStatus, checkCode, lastChk, addr] = ['pxname', 'svname', 'status', 'check_status', 'check_code', 'last_chk', 'addr'].map(col);
  if (!lines[0]?.startsWith('# ') || px! < 0 || sv! < 0 || status! < 0) {
    throw new ParseError('not HAProxy `;csv` stats: the first line is not its "# pxname,svname,…" header');
  }
  const servers: HaproxyServer[] = [];
  const checks: Check[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const f = line.split(',');
    const backend = f[px!] ?? '';
    const server = f[sv!] ?? '';
    if (server === 'FRONTEND' || server === 'BACKEND' || !backend) continue;
    const raw = f[status!] ?? '';
    const state = serverState(raw);
    const why = describe(raw, f[checkStatus!] ?? '', f[checkCode!] ?? '', lastChk! >= 0 ? f[lastChk!] ?? '' : '');
    servers.push({ backend, server, status: raw, state, address: addr! >= 0 && f[addr!] ? f[addr!]! : null });
    checks.push({ id: `haproxy:${backend}/${server}`, source: 'haproxy', name: `lb ${backend}/${server}`, state, reason: `${backend}/${server} ${why}` });
  }
  return { result: { checks, samples: [] }, servers };
}

/** UP is OK; DOWN CRITICAL; MAINT, DRAIN, NOLB and the transitions ("DOWN 1/2") WARNING. */
function serverState(status: string): CheckState {
  if (status === 'UP' || status === 'no check' || status === 'OPEN') return 'OK';
  if (status === 'DOWN') return 'CRITICAL';
  if (/^(UP|DOWN) \d+\/\d+$/.test(status) || /MAINT|DRAIN|NOLB/.test(status)) return 'WARNING';
  return 'UNKNOWN';
}

function describe(status: string, checkStatus: string, code: string, lastChk: string): string {
  if (status === 'UP') return 'is UP in the load balancer';
  if (status.includes('MAINT')) return 'is in maintenance in the load balancer';
  if (status.includes('DRAIN')) return 'is draining in the load balancer';
  const going = /^(UP|DOWN) (\d+)\/(\d+)$/.exec(status);
  if (going) return going[1] === 'DOWN' ? `is coming back up (${going[2]} of ${going[3]} checks passed)` : `is going down (${going[2]} of ${going[3]} checks failed)`;
  const reason = CHECK_STATUS[checkStatus] ?? checkStatus;
  const detail = [reason, code && `code ${code}`, lastChk].filter(Boolean).join(', ');
  return `is ${status} in the load balancer${detail ? ` (${detail})` : ''}`;
}
