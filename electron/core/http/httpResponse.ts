import { StringDecoder } from 'node:string_decoder';

// Reads one HTTP/1.x response from the bytes of a socket, as they arrive: the status line and
// headers, then a body delimited by Content-Length, by chunked transfer coding, or by the end of
// the connection. It is the half of an HTTP client that status polling needs and no more (no
// upgrades, no pipelining), written for the poller's cost: node:http spent twice the CPU of the
// whole poll on 200 requests a second (docs/benchmarks.md, "Polling"). Pure: no sockets, no timers.
// The body goes to a BodySink as it arrives (TextBody decodes it into a string; node_exporter's
// reader never makes its 57 kB answer one), and no byte given to feed() is kept: the client
// reads every socket into one shared buffer, because a fresh 64 kB buffer per read made V8 run
// a full garbage collection every second or two (external memory pressure).

/** The answer is not HTTP, or breaks HTTP's framing. */
export class HttpFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpFramingError';
  }
}

/** The body (declared or received so far) is larger than the cap. */
export class HttpTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly declared: boolean,
  ) {
    super(`${bytes} bytes`);
    this.name = 'HttpTooLargeError';
  }
}

/** A status line and headers longer than this are not a status endpoint talking. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n');

type Phase = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'done';

/** Takes a body's bytes as they arrive. `part` is valid only during the call (the socket's
 * buffer is reused): what the sink keeps, it copies. */
export interface BodySink {
  write(part: Buffer): void;
}

/** The sink for a body read as text: decoded as it arrives (Monit writes ISO-8859-1). */
export class TextBody implements BodySink {
  private readonly decoder: StringDecoder;
  private text = '';

  constructor(encoding: 'utf8' | 'latin1' = 'utf8') {
    this.decoder = new StringDecoder(encoding);
  }

  write(part: Buffer): void {
    this.text += this.decoder.write(part);
  }

  /** The whole body, once it is in. */
  value(): string {
    return this.text + this.decoder.end();
  }
}

export class HttpResponseReader {
  status = 0;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers = new Map<string, string>();
  /** Whether the connection may carry another request after this response. */
  keepAlive = false;
  private phase: Phase = 'head';
  private pending: Buffer | null = null;
  private size = 0;
  /** Bytes still expected: of the body (length) or of the current chunk. */
  private remaining = 0;

  constructor(
    private readonly maxBytes: number,
    /** Where the body's bytes go. */
    readonly sink: BodySink = new TextBody(),
    /** A response to HEAD, or one the request says has no body. */
    private readonly noBody = false,
  ) {}

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Whether any byte of a response has arrived (a reused connection that fails before this can be retried). */
  get started(): boolean {
    return this.pending !== null || this.phase !== 'head';
  }

  /** Takes the next bytes from the socket (valid only during the call); returns true once the
   * response is complete. */
  feed(data: Buffer): boolean {
    let at = 0;
    if (this.pending) {
      data = Buffer.concat([this.pending, data]);
      this.pending = null;
    }
    while (at < data.length && this.phase !== 'done') {
      switch (this.phase) {
        case 'head': {
          const end = data.indexOf(CRLF_CRLF, at);
          if (end < 0) {
            if (!startsLikeHttp(data, at)) throw notHttp();
            if (data.length - at > MAX_HEAD_BYTES) throw new HttpFramingError('the answer has no end to its headers');
            return this.keep(data, at);
          }
          this.readHead(data.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case 'length':
          at = this.counted(data, at, 'done');
          break;
        case 'close':
          this.take(at === 0 ? data : data.subarray(at));
          at = data.length;
          break;
        case 'chunk-size':
        case 'chunk-end':
        case 'trailers': {
          const eol = data.indexOf('\r\n', at, 'latin1');
          if (eol < 0) {
            if (data.length - at > 4096) throw new HttpFramingError('a chunk of the answer is not framed as HTTP chunked encoding says');
            return this.keep(data, at);
          }
          this.readLine(data.toString('latin1', at, eol));
          at = eol + 2;
          break;
        }
        case 'chunk-data':
          at = this.counted(data, at, 'chunk-end');
          break;
      }
    }
    // Bytes after a complete response: a server talking out of turn; the connection is not reused.
    if (this.phase === 'done' && at < data.length) this.keepAlive = false;
    return this.done;
  }

  /** The server closed the connection: that completes a body read to the end, anything else is cut short. */
  end(): boolean {
    if (this.phase === 'close') {
      this.phase = 'done';
      this.keepAlive = false;
    }
    return this.done;
  }

  /** Bytes of body received. */
  get bodyBytes(): number {
    return this.size;
  }

  private keep(data: Buffer, at: number): boolean {
    // Copied: the socket's buffer is reused, and the rest is small (a head or a chunk line).
    this.pending = Buffer.from(data.subarray(at));
    return false;
  }

  /** Takes up to `remaining` body bytes from `at`; moves to `next` when they are all in. */
  private counted(data: Buffer, at: number, next: Phase): number {
    const n = Math.min(this.remaining, data.length - at);
    this.take(data.subarray(at, at + n));
    this.remaining -= n;
    if (this.remaining === 0) this.phase = next;
    return at + n;
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    this.size += part.length;
    if (this.size > this.maxBytes) throw new HttpTooLargeError(this.size, false);
    this.sink.write(part);
  }

  private readHead(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!statusLine) throw notHttp();
    const minor = statusLine[1];
    this.status = Number(statusLine[2]);
    this.headers.clear();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpFramingError('the answer has a malformed header line');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const before = this.headers.get(name);
      this.headers.set(name, before === undefined ? value : `${before}, ${value}`);
    }
    // 1xx: an interim answer (100 Continue, 103 Early Hints); the real one follows.
    if (this.status < 200) return;
    const connection = (this.headers.get('connection') ?? '').toLowerCase();
    this.keepAlive = minor === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    const transfer = (this.headers.get('transfer-encoding') ?? '').toLowerCase();
    const length = this.headers.get('content-length');
    if (this.noBody || this.status === 204 || this.status === 304) {
      this.phase = 'done';
    } else if (transfer !== '') {
      if (!transfer.endsWith('chunked')) throw new HttpFramingError(`the answer uses a transfer coding Fleetdeck does not read (${transfer})`);
      this.phase = 'chunk-size';
    } else if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new HttpFramingError(`the answer declares a length that is not a number (${length.slice(0, 40)})`);
      this.remaining = Number(length);
      if (this.remaining > this.maxBytes) throw new HttpTooLargeError(this.remaining, true);
      this.phase = this.remaining === 0 ? 'done' : 'length';
    } else {
      this.keepAlive = false;
      this.phase = 'close';
    }
  }

  private readLine(line: string): void {
    if (this.phase === 'chunk-end') {
      if (line !== '') throw new HttpFramingError('a chunk of the answer is longer than it said');
      this.phase = 'chunk-size';
    } else if (this.phase === 'trailers') {
      if (line === '') this.phase = 'done';
    } else {
      const hex = line.split(';', 1)[0]!.trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpFramingError('a chunk of the answer is not framed as HTTP chunked encoding says');
      this.remaining = parseInt(hex, 16);
      if (this.size + this.remaining > this.maxBytes) throw new HttpTooLargeError(this.size + this.remaining, false);
      this.phase = this.remaining === 0 ? 'trailers' : 'chunk-data';
    }
  }
}

const HTTP_SLASH = Buffer.from('HTTP/');

/** Whether what has come so far can be the start of a status line. */
function startsLikeHttp(data: Buffer, at: number): boolean {
  const n = Math.min(HTTP_SLASH.length, data.length - at);
  return data.compare(HTTP_SLASH, 0, n, at, at + n) === 0;
}

function notHttp(): HttpFramingError {
  return new HttpFramingError('the answer is not HTTP');
}
