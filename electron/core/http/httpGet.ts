import { closeConnection, connect, IdleConnections, NOBODY, type Connection, type Endpoint, type TlsSettings } from './httpConnections';
import { HttpFramingError, HttpResponseReader, HttpTooLargeError, TextBody, type BodySink } from './httpResponse';
import type { Duplex } from 'node:stream';

// One HTTP GET for a status source, bounded every way a host can misbehave: a total deadline
// (a server that sends nothing, or one byte a minute, still ends), a size cap (a 50 MB or endless
// body is cut off, not buffered), and errors worded for the operator. Keep-alive connections so
// a poll every few seconds does not pay a TCP handshake each time. The HTTP is our own
// (httpResponse.ts, httpConnections.ts) over node:net and node:tls: node:http cost more CPU
// than all the rest of polling 1,000 hosts, undici more still (docs/decisions/0001-own-http-get.md).

/** What httpGet opens a request's connection with instead of connecting itself (an SSH channel,
 * via.ts). Rejects with a GetFailure. */
export interface Tunnel {
  /** How the request goes, for messages: "through bastion-1 (its jump host)". */
  readonly via: string;
  /** A kept-alive connection to origin over a channel of this tunnel's, if one is idle. */
  take(origin: string): Connection | undefined;
  /** A channel to address:port; null if the request was given up while it waited for a free slot. */
  open(address: string, port: number, stillWanted: () => boolean): Promise<Duplex | null>;
  /** Keeps a connection whose answer allowed keep-alive, for origin's next request. */
  keep(origin: string, connection: Connection): void;
}

export interface GetOptions {
  /** Total time for connect, headers and body. */
  timeoutMs: number;
  maxBytes: number;
  /** user:password for basic auth. */
  auth?: string;
  signal?: AbortSignal;
  /** How the body becomes text: utf8 (the default), or latin1 for Monit's ISO-8859-1. */
  encoding?: 'utf8' | 'latin1';
  /** Takes the body's bytes as they arrive instead (the answer's body is then ''). It sees only
   * bytes of the answer that completes: a retry on a new connection happens before any byte. */
  sink?: BodySink;
  /** Opens the connection over an SSH channel instead (via.ts), kept alive on that channel when
   * the answer allows, as a TCP connection is. */
  tunnel?: Tunnel | null;
  /** How an https URL's certificate is checked (by default it is not: status endpoints on a
   * fleet often have self-signed ones). */
  tls?: TlsSettings;
}

export interface GetAnswer {
  status: number;
  /** The body as text, unless a sink took it. */
  body: string;
  latencyMs: number;
}

export type GetFailureKind = 'timeout' | 'refused' | 'unreachable' | 'too-large' | 'closed' | 'auth' | 'tls' | 'aborted' | 'error';

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

/** What a URL needs to be fetched, worked out once per URL (a poll every 10 s asks again and again). */
interface Target extends Endpoint {
  /** host:port, for messages. */
  label: string;
  /** Which idle connections fit. */
  origin: string;
  /** The whole request, status line to empty line. */
  request: string;
}

/** By URL, then by credentials. Both strings are the probe's own, the same every poll, so V8 has
 * their hashes already; one key joined from the two was a new string to hash every poll. */
const targets = new Map<string, Map<string, Target>>();
let targetCount = 0;

function targetOf(url: string, auth: string | undefined): Target {
  const known = targets.get(url)?.get(auth ?? '');
  if (known) return known;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GetFailure('error', `"${url}" is not a URL`);
  }
  const secure = parsed.protocol === 'https:';
  if (!secure && parsed.protocol !== 'http:') throw new GetFailure('error', `${url}: only http and https are supported`);
  const credentials = auth ?? (parsed.username ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` : undefined);
  const port = Number(parsed.port) || (secure ? 443 : 80);
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const target: Target = {
    secure,
    hostname,
    port,
    label: parsed.host,
    origin: `${parsed.protocol}//${hostname}:${port}`,
    request:
      `GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\nUser-Agent: Fleetdeck\r\nAccept: */*\r\n` +
      (credentials === undefined ? '' : `Authorization: Basic ${Buffer.from(credentials, 'utf8').toString('base64')}\r\n`) +
      '\r\n',
  };
  // The fleet's URLs are a fixed set; the cap only matters if they change all the time.
  if (targetCount >= 20_000) {
    targets.clear();
    targetCount = 0;
  }
  let byAuth = targets.get(url);
  if (!byAuth) targets.set(url, (byAuth = new Map()));
  byAuth.set(auth ?? '', target);
  targetCount++;
  return target;
}

const idle = new IdleConnections();

export function httpGet(url: string, options: GetOptions): Promise<GetAnswer> {
  return new Promise((resolve, reject) => {
    let target: Target;
    try {
      target = targetOf(url, options.auth);
    } catch (error) {
      reject(error);
      return;
    }
    new Exchange(target, options, resolve, reject).start();
  });
}

/** One GET: a connection (reused or new), the request, the response read to its end. */
class Exchange {
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private connection: Connection | null = null;
  private reader: HttpResponseReader | null = null;
  /** The body as text, when no sink of the caller's takes it. */
  private text: TextBody | null = null;
  private settled = false;
  /** Which idle connections fit: the origin, and the TLS settings they were made with. */
  private readonly pool: string;

  constructor(
    private readonly target: Target,
    private readonly options: GetOptions,
    private readonly resolve: (answer: GetAnswer) => void,
    private readonly reject: (error: GetFailure) => void,
  ) {
    this.pool = options.tls && target.secure ? `${target.origin}#${options.tls.id}` : target.origin;
  }

  start(): void {
    if (this.options.signal?.aborted) {
      this.reject(new GetFailure('aborted', 'stopped'));
      return;
    }
    this.timer = setTimeout(
      () => this.fail(new GetFailure('timeout', `no complete answer from ${this.target.label}${this.options.tunnel ? ` ${this.options.tunnel.via}` : ''} within ${(this.options.timeoutMs / 1000).toFixed(1)} s`)),
      this.options.timeoutMs,
    );
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    const { tunnel } = this.options;
    const reused = tunnel ? tunnel.take(this.pool) : idle.take(this.pool);
    if (tunnel && !reused) {
      this.sendThrough(tunnel);
      return;
    }
    this.send(reused ?? this.connect(), reused !== undefined);
  }

  private send(connection: Connection, reused: boolean): void {
    const { socket } = connection;
    this.text = this.options.sink ? null : new TextBody(this.options.encoding);
    const reader = new HttpResponseReader(this.options.maxBytes, this.options.sink ?? this.text!);
    this.connection = connection;
    this.reader = reader;
    // A kept-alive connection the server closed just before this request is not the host's fault:
    // the GET goes again on a new connection, once.
    const retryOrFail = (failure: GetFailure): void => {
      if (reused && !reader.started && !this.settled) {
        this.release(false);
        if (this.options.tunnel) this.sendThrough(this.options.tunnel);
        else this.send(this.connect(), false);
      } else this.fail(failure);
    };
    const onEnd = (): void => {
      if (reader.end()) this.finish();
      else retryOrFail(new GetFailure('closed', reader.started ? `${this.target.label} closed the connection in the middle of its answer` : `${this.target.label} closed the connection without answering`));
    };
    connection.user = {
      bytes: (bytes) => {
        try {
          if (reader.feed(bytes)) this.finish();
        } catch (error) {
          this.fail(this.framingFailure(error));
        }
      },
      end: onEnd,
      error: (error) => retryOrFail(describeSocketError(error, this.target.label)),
    };
    socket.write(this.target.request, 'latin1');
  }

  private sendThrough(tunnel: Tunnel): void {
    tunnel.open(this.target.hostname, this.target.port, () => !this.settled).then(
      (channel) => {
        if (!channel) return;
        if (this.settled) channel.destroy();
        else this.send(this.connect(channel), false);
      },
      (error: unknown) => this.fail(error instanceof GetFailure ? error : new GetFailure('error', `${this.target.label}: ${(error as Error).message}`)),
    );
  }

  private connect(over?: Parameters<typeof connect>[1]): Connection {
    return connect(this.target, over, this.options.tls);
  }

  private finish(): void {
    if (this.settled) return;
    const reader = this.reader!;
    const status = reader.status;
    this.settle(reader.keepAlive);
    if (status === 401 || status === 403) {
      this.reject(new GetFailure('auth', `${this.target.label} refused the credentials (HTTP ${status}): check user and password in the fleet file`));
      return;
    }
    this.resolve({ status, body: this.text?.value() ?? '', latencyMs: performance.now() - this.started });
  }

  private fail(error: GetFailure): void {
    if (this.settled) return;
    this.settle(false);
    this.reject(error);
  }

  private readonly onAbort = (): void => this.fail(new GetFailure('aborted', 'stopped'));

  private settle(keepConnection: boolean): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.release(keepConnection);
  }

  /** Lets go of the connection: back to the idle ones, or closed. */
  private release(keep: boolean): void {
    const connection = this.connection;
    if (!connection) return;
    this.connection = null;
    // Nothing it says after this is this exchange's business (an error while closing included).
    connection.user = NOBODY;
    if (!keep) closeConnection(connection);
    else if (this.options.tunnel) this.options.tunnel.keep(this.pool, connection);
    else idle.give(this.pool, connection);
  }

  private framingFailure(error: unknown): GetFailure {
    const host = this.target.label;
    if (error instanceof HttpTooLargeError) {
      return new GetFailure(
        'too-large',
        error.declared
          ? `${host} sent ${megabytes(error.bytes)}, more than the ${megabytes(this.options.maxBytes)} a status answer may have`
          : `${host} sent more than the ${megabytes(this.options.maxBytes)} a status answer may have`,
      );
    }
    if (error instanceof HttpFramingError) {
      return new GetFailure('error', error.message === 'the answer is not HTTP' ? `${host} did not answer in HTTP (wrong port?)` : `${host}: ${error.message}`);
    }
    return new GetFailure('error', `${host}: ${(error as Error).message}`);
  }
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
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
    case 'CERT_SIGNATURE_FAILURE':
    case 'CERT_UNTRUSTED':
    case 'CERT_REJECTED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new GetFailure('tls', `${host}'s certificate is not trusted: ${error.message} (tls.ca_file names the CA to trust)`);
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
  idle.closeAll();
}
