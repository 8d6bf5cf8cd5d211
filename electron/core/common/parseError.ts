/** A response that cannot be understood; the message says why, for the host's UNKNOWN check. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Recognises the answers people most often get from the wrong port or path. */
export function describeForeignBody(text: string): string | null {
  const head = text.slice(0, 512).trimStart();
  if (head.length === 0) return 'the response was empty';
  // Control bytes other than whitespace mean binary data, whatever its first byte looks like
  // (random bytes that start with "{" are not JSON).
  if (/[\x00-\x08\x0e-\x1f]/.test(head)) return 'got binary data';
  const opening = head.slice(0, 14).toLowerCase();
  if (opening.startsWith('<!doctype html') || opening.startsWith('<html')) return 'got an HTML page (wrong port or path?)';
  if (head.startsWith('{') || head.startsWith('[')) return 'got JSON';
  return null;
}
