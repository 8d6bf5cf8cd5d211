// Counts in words, for every text the console and the core write: "1 host", "3 hosts", and the
// words that agree with a count ("its"/"their", "stays"/"stay").

/** "1 host", "2 hosts"; `many` for irregular nouns. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${agree(n, one, many)}`;
}

/** The word that agrees with a count of n: agree(1, 'its', 'their') is "its". */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
