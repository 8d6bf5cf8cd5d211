// Character-code helpers for the status readers' hot loops. String.prototype.startsWith with a
// position was a third of the node_exporter scan and a sixth of the Monit parse (V8 does not
// inline it); a plain loop over charCodeAt is.

/** text.startsWith(word.slice(from), at), without making strings. */
export function textAt(text: string, at: number, word: string, from = 0): boolean {
  for (let k = from; k < word.length; k++) if (text.charCodeAt(at + k - from) !== word.charCodeAt(k)) return false;
  return true;
}

/** Whether text[from, to) is only white space (and other control characters). */
export function isSpace(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (text.charCodeAt(k) > 0x20) return false;
  return true;
}
