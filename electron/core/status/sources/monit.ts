import type { Check, Sample, SourceResult } from '../../../../shared/status/model';
import { decodeStatus, describeMonitor, SERVICE_TYPES } from './monitEvents';
import { describeForeignBody, ParseError } from '../../common/parseError';
import { parseXmlTree } from './xmlTree';

// Monit's status XML, format 1 (`/_status?format=xml`: <monit><service type="N">) and format 2
// (`/_status2?format=xml`: <services><service name=".."><type>N</type>). The body is
// ISO-8859-1. A DOCTYPE is refused outright (by parseXmlTree, where it meets one): Fleetdeck never
// expands XML entities.

type Node = Record<string, unknown>;

const LISTS: ReadonlySet<string> = new Set(['service', 'port', 'unixsocket']);

/** What no check or sample here reads, left out unparsed: half of an answer's elements (the
 * server and platform blocks, timestamps, I/O counters, ids), a third of the time to parse it. */
const UNREAD: ReadonlySet<string> = new Set([
  'server', 'platform', 'servicegroups', 'collected_sec', 'collected_usec', 'status_hint', 'monitormode', 'onreboot',
  'pendingaction', 'filedescriptors', 'timestamps', 'read', 'write', 'uid', 'euid', 'gid', 'mode', 'fstype', 'fsflags',
  'inode', 'link', 'icmp', 'checksum', 'size', 'pid', 'ppid', 'uptime', 'threads', 'children', 'started', 'request',
  'hardirq', 'softirq', 'steal', 'guest', 'guestnice', 'kilobyte', 'usage', 'total',
]);

const latin1 = new TextDecoder('latin1');

export function parseMonit(body: Uint8Array | string): SourceResult {
  const text = typeof body === 'string' ? body : latin1.decode(body);
  const foreign = describeForeignBody(text);
  if (foreign) throw new ParseError(`not Monit's XML: ${foreign}`);
  // Monit ends every answer with </monit>: without it the response was cut short. (This check
  // replaces a full XML validation pass, which cost as much again as the parse.)
  if (!/<\/monit>\s*$/.test(text.slice(-64))) {
    throw new ParseError('the XML ends early (truncated response, or not Monit)');
  }
  const root = parseXmlTree(text, LISTS, UNREAD) as Node;
  if (root.monit === undefined) throw new ParseError('not Monit\'s XML: no <monit> element');
  // A <monit> with nothing read in it is text, not a node: it has no services.
  const monit = (typeof root.monit === 'object' ? root.monit : {}) as Node;
  const format2 = monit.services as Node | undefined;
  const services = (format2 ? format2.service : monit.service) as Node[] | undefined;
  if (!Array.isArray(services)) throw new ParseError('Monit reported no services');

  const checks: Check[] = [];
  const samples: Sample[] = [];
  for (const service of services) {
    const name = str(format2 ? service['@_name'] : service.name);
    const type = num(format2 ? service.type : service['@_type']);
    if (!name || type === null) continue;
    checks.push(serviceCheck(service, name, type));
    collectSamples(service, name, type, samples);
  }
  return { checks, samples };
}

function serviceCheck(service: Node, name: string, type: number): Check {
  const kind = SERVICE_TYPES[type] ?? `type ${type}`;
  const check: Check = { id: `monit:${kind}:${name}`, source: 'monit', name: `${kind} ${name}`, state: 'OK', reason: '' };
  const waiting = describeMonitor(num(service.monitor) ?? 1);
  if (waiting) return { ...check, state: 'UNKNOWN', reason: `${kind} ${name}: ${waiting}` };

  const { state, reasons } = decodeStatus(num(service.status) ?? 0);
  if (state === 'OK') return { ...check, reason: `${kind} ${name} is OK${okDetail(service, type)}` };
  const details = failureDetails(service, type);
  const what = type === 3 && reasons.includes('does not exist') ? `process ${name} is not running` : `${kind} ${name}: ${reasons.join(', ')}`;
  return { ...check, state, reason: details ? `${what} (${details})` : what };
}

/** The specifics Monit gives for a failure: which port, which exit code and output. */
function failureDetails(service: Node, type: number): string {
  const parts: string[] = [];
  for (const port of [...arr(service.port), ...arr(service.unixsocket)]) {
    if ((num(port.responsetime) ?? 0) < 0) {
      const where = port.portnumber ? `${str(port.hostname)}:${str(port.portnumber)}` : str(port.path);
      parts.push(`${str(port.protocol) || 'port'} check of ${where} failed`);
    }
  }
  const program = service.program as Node | undefined;
  if (type === 7 && program) {
    const output = str(program.output).trim().split('\n')[0]?.slice(0, 200) ?? '';
    parts.push(`exit code ${str(program.status)}${output ? `: ${output}` : ''}`);
  }
  return parts.join('; ');
}

function okDetail(service: Node, type: number): string {
  if (type === 0) {
    const pct = num((service.block as Node | undefined)?.percent);
    return pct === null ? '' : ` (${pct.toFixed(1)} % used)`;
  }
  return '';
}

function collectSamples(service: Node, name: string, type: number, out: Sample[]): void {
  const push = (metric: string, value: number | null): void => {
    if (value !== null && Number.isFinite(value)) out.push({ metric, value });
  };
  if (type === 5) {
    const system = service.system as Node | undefined;
    const load = system?.load as Node | undefined;
    const cpu = system?.cpu as Node | undefined;
    push('load1', num(load?.avg01));
    push('load5', num(load?.avg05));
    push('load15', num(load?.avg15));
    if (cpu) push('cpu_pct', (num(cpu.user) ?? 0) + (num(cpu.system) ?? 0) + (num(cpu.wait) ?? 0) + (num(cpu.nice) ?? 0));
    push('mem_used_pct', num((system?.memory as Node | undefined)?.percent));
    push('swap_used_pct', num((system?.swap as Node | undefined)?.percent));
  } else if (type === 0) {
    push(`disk_used_pct:${name}`, num((service.block as Node | undefined)?.percent));
  } else if (type === 3) {
    const cpu = num((service.cpu as Node | undefined)?.percenttotal);
    // -1 on Monit's first cycle: no value yet, not a negative load.
    if (cpu !== null && cpu >= 0) push(`proc_cpu_pct:${name}`, cpu);
    push(`proc_mem_kb:${name}`, num((service.memory as Node | undefined)?.kilobytetotal));
  }
  for (const port of arr(service.port)) {
    const seconds = num(port.responsetime);
    if (seconds !== null && seconds >= 0) push(`latency_ms:${name}:${str(port.portnumber)}`, seconds * 1000);
  }
}

function arr(value: unknown): Node[] {
  return Array.isArray(value) ? (value as Node[]) : [];
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
function num(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
