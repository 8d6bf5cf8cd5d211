import http from 'node:http';
import https from 'node:https';

// One HTTP GET for a status source, bounded every way a host can misbehave: a total deadline
// (a server that sends nothing, or one byte a minute, still ends), a size cap (a 50 MB or endless
// body is cut off, not buffered), and errors worded for the operator. Keep-alive agents so a
// poll every few seconds does not pay a TCP handshake each time.

export interface GetOptions {
  /** Total time for connect, headers and body. */
  timeoutMs: number;
  maxBytes: number;
  /** user:password for basic auth. */
  auth?: string;
  signal?: AbortSignal;
}

export interface GetAnswer {
  status: number;
  body: Buffer;
  latencyMs: number;
}

export type GetFailureKind = 'timeout' | 'refused' | 'unreachable' | 'too-large' | 'closed' | 'auth' | 'aborted' | 'error';

/** Why a GET gave no answer, in words for the host's check. */
export class GetFailure extends Error {
  constructor(
    readonly kind: GetFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'GetFailure';
  }
}

const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 4096, scheduling: 'lifo' as const, timeout: 60_000 };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

export function httpGet(url: string, options: GetOptions): Promise<GetAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new GetFailure('error', `"${url}" is not a URL`));
      return;
    }
    const secure = parsed.protocol === 'https:';
    if (!secure && parsed.protocol !== 'http:') {
      reject(new GetFailure('error', `${url}: only http and https are supported`));
      return;
    }
    let settled = false;
    const fail = (error: GetFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(error);
    };
    const request = (secure ? https : http).request(parsed, {
      method: 'GET',
      agent: secure ? httpsAgent : httpAgent,
      auth: options.auth,
      headers: { 'user-agent': 'Fleetdeck', accept: '*/*' },
      // Status endpoints on the fleet often have self-signed certificates; the operator chose
      // the URL in the fleet file, and nothing secret is sent but the endpoint's own password.
      ...(secure ? { rejectUnauthorized: false } : {}),
    });
    const timer = setTimeout(
      () => fail(new GetFailure('timeout', `no complete answer from ${parsed.host} within ${(options.timeoutMs / 1000).toFixed(1)} s`)),
      options.timeoutMs,
    );
    const onAbort = (): void => fail(new GetFailure('aborted', 'stopped'));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    request.on('error', (error: NodeJS.ErrnoException) => fail(describeSocketError(error, parsed.host)));
    request.on('response', (response) => {
      const declared = Number(response.headers['content-length']);
      if (declared > options.maxBytes) {
        fail(new GetFailure('too-large', `${parsed.host} sent ${megabytes(declared)}, more than the ${megabytes(options.maxBytes)} a status answer may have`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          fail(new GetFailure('too-large', `${parsed.host} sent more than the ${megabytes(options.maxBytes)} a status answer may have`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('aborted', () => fail(new GetFailure('closed', `${parsed.host} closed the connection in the middle of its answer`)));
      response.on('error', (error: NodeJS.ErrnoException) => fail(describeSocketError(error, parsed.host)));
      response.on('end', () => {
        if (settled) return;
        if (!response.complete) {
          fail(new GetFailure('closed', `${parsed.host} closed the connection in the middle of its answer`));
          return;
        }
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const status = response.statusCode ?? 0;
        if (status === 401 || status === 403) {
          reject(new GetFailure('auth', `${parsed.host} refused the credentials (HTTP ${status}): check user and password in the fleet file`));
          return;
        }
        resolve({ status, body: Buffer.concat(chunks, size), latencyMs: performance.now() - started });
      });
    });
    request.end();
  });
}

function describeSocketError(error: NodeJS.ErrnoException, host: string): GetFailure {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new GetFailure('refused', `${host} refused the connection (nothing listens there)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GetFailure('unreachable', `${host}: no such host (DNS lookup failed)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new GetFailure('unreachable', `${host} is unreachable (no route)`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new GetFailure('closed', `${host} closed the connection`);
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
      return new GetFailure('error', `${host} did not answer in HTTP (wrong port?)`);
    default:
      return new GetFailure('error', `${host}: ${error.message}`);
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`;
}

/** Close idle keep-alive sockets (on shutdown). */
export function closeIdleSockets(): void {
  httpAgent.destroy();
  httpsAgent.destroy();
}
