// A string cut out of a response body (String.prototype.slice, or a template that joins such
// cuts) shares the body's memory in V8: a probe that kept a 20-character mount point from a
// node_exporter answer kept the whole answer alive until the host's next poll. What a probe keeps
// (its result, the previous scrape) goes through this first. ownString.test.ts shows the difference.

/** The same text in memory of its own (not a view into a larger string). */
export function ownString(text: string): string {
  // V8 copies short cuts anyway. For longer ones, joining makes a new string that slice() must
  // flatten into fresh memory before cutting it again; the result refers to that copy only.
  return text.length < 13 ? text : `\u0000${text}`.slice(1);
}
