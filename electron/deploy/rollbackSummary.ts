import { agree, plural } from '../../shared/text';

// How a deploy that went back says what happened to its hosts (the end of its message).

/** What a rollback did: `moved` hosts went back, `stuck` ones had no earlier release to go to. */
export function rollbackSummary(moved: number, stuck: readonly string[], release: string): string {
  const parts = [
    moved > 0 ? `${plural(moved, 'switched host')} went back to ${agree(moved, 'its', 'their')} previous release` : null,
    stuck.length > 0 ? `${stuck.join(', ')} had no earlier release to go back to and ${agree(stuck.length, 'stays', 'stay')} on ${release}` : null,
  ].filter((part) => part !== null);
  // A wave that failed before its first switch: nothing to go back from.
  if (parts.length === 0) return 'no host had been switched, so none went back.';
  return `${parts.join('; ')}; hosts not yet switched kept theirs.`;
}
