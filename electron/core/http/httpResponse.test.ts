import { describe, expect, it } from 'vitest';
import { HttpFramingError, HttpResponseReader, HttpTooLargeError, TextBody } from './httpResponse';

// Every response is also fed split at every byte boundary (and one byte at a time), because the
// socket cuts the stream wherever it likes.

function readAll(raw: string, options: { max?: number; cuts?: number[]; close?: boolean; encoding?: 'utf8' | 'latin1' } = {}): HttpResponseReader {
  const bytes = Buffer.from(raw, options.encoding ?? 'latin1');
  const reader = new HttpResponseReader(options.max ?? 1 << 20, new TextBody(options.encoding ?? 'latin1'));
  let from = 0;
  for (const cut of [...(options.cuts ?? []), bytes.length]) {
    // As the socket does: one buffer for every read, overwritten by the next.
    const shared = Buffer.from(bytes.subarray(from, cut));
    const complete = reader.feed(shared);
    shared.fill(0);
    if (complete) return reader;
    from = cut;
  }
  if (options.close) reader.end();
  return reader;
}

function everySplit(raw: string, check: (reader: HttpResponseReader) => void, close = false, encoding: 'utf8' | 'latin1' = 'latin1'): void {
  const length = Buffer.byteLength(raw, encoding);
  for (let cut = 1; cut < length; cut++) check(readAll(raw, { cuts: [cut], close, encoding }));
  check(readAll(raw, { cuts: Array.from({ length: length - 1 }, (_, i) => i + 1), close, encoding }));
}

const body = (r: HttpResponseReader): string => (r.sink as TextBody).value();

describe('HttpResponseReader', () => {
  it('reads a Content-Length body and keeps an HTTP/1.1 connection', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world';
    everySplit(raw, (r) => {
      expect(r.done).toBe(true);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/plain');
      expect(body(r)).toBe('hello world');
      expect(r.keepAlive).toBe(true);
    });
  });

  it('decodes UTF-8 split anywhere, and ISO-8859-1 as Monit writes it', () => {
    const text = 'mount /srv/données → 92 % ✓';
    everySplit(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`, (r) => expect(body(r)).toBe(text), false, 'utf8');
    expect(body(readAll('HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nsyst\xe8me'))).toBe('système');
  });

  it('reads chunked bodies with extensions and trailers', () => {
    const raw = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n';
    everySplit(raw, (r) => {
      expect(r.done).toBe(true);
      expect(body(r)).toBe('hello 0123456789');
      expect(r.keepAlive).toBe(true);
    });
  });

  it('reads to the end of the connection when nothing delimits the body, and does not reuse it', () => {
    const raw = 'HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n<monit></monit>';
    everySplit(
      raw,
      (r) => {
        expect(r.done).toBe(true);
        expect(body(r)).toBe('<monit></monit>');
        expect(r.keepAlive).toBe(false);
      },
      true,
    );
    expect(readAll(raw).done).toBe(false);
  });

  it('honours Connection: close and HTTP/1.0 keep-alive', () => {
    expect(readAll('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(false);
    expect(readAll('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(false);
    expect(readAll('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(true);
  });

  it('skips interim 1xx answers and has no body for 204 and 304', () => {
    const r = readAll('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect([r.status, body(r)]).toEqual([200, 'ok']);
    const empty = readAll('HTTP/1.1 204 No Content\r\n\r\n');
    expect([empty.done, empty.status, body(empty)]).toEqual([true, 204, '']);
  });

  it('joins repeated headers', () => {
    expect(readAll('HTTP/1.1 200 OK\r\nVary: a\r\nVary: b\r\nContent-Length: 0\r\n\r\n').headers.get('vary')).toBe('a, b');
  });

  it('is not done when the connection ends in the middle of a body', () => {
    const r = readAll('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
    expect(r.end()).toBe(false);
    expect(r.started).toBe(true);
    expect(new HttpResponseReader(10).started).toBe(false);
  });

  it('does not reuse a connection whose server said more than the response', () => {
    expect(readAll('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA').keepAlive).toBe(false);
  });

  it('refuses answers that are not HTTP, as soon as the first bytes show it', () => {
    for (const raw of ['\x16\x03\x01\x00\x2e', 'SSH-2.0-OpenSSH_9.2\r\n', '<html>']) {
      expect(() => readAll(raw)).toThrow(HttpFramingError);
    }
    expect(() => readAll('HTTP/2 200\r\n\r\n')).toThrow(/not HTTP/);
    expect(() => readAll('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toThrow(/malformed header/);
    expect(readAll('HTT').done).toBe(false);
  });

  it('refuses broken chunked framing and unknown codings', () => {
    expect(() => readAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunked/);
    expect(() => readAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n')).toThrow(/longer than it said/);
    expect(() => readAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n')).toThrow(/transfer coding/);
    expect(() => readAll('HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n')).toThrow(/not a number/);
  });

  it('stops at the size cap: declared, chunked, or streamed', () => {
    const declared = (): unknown => readAll('HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\n\r\n', { max: 1000 });
    expect(declared).toThrow(HttpTooLargeError);
    try {
      declared();
    } catch (error) {
      expect(error).toMatchObject({ declared: true, bytes: 52428800 });
    }
    expect(() => readAll(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFF\r\n`, { max: 1000 })).toThrow(HttpTooLargeError);
    expect(() => readAll(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(1001)}`, { max: 1000 })).toThrow(HttpTooLargeError);
    expect(body(readAll(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(1000)}`, { max: 1000 }))).toHaveLength(1000);
  });

  it('refuses a head that never ends', () => {
    expect(() => readAll(`HTTP/1.1 200 OK\r\nX: ${'y'.repeat(70_000)}`)).toThrow(/no end to its headers/);
  });
});
