// What a host name, an address and a login may hold. They reach Fleetdeck's known_hosts file, SSH
// and the views, so a name from a fleet file or an imported inventory is checked where it is read:
// a newline or a `*` in a name written to known_hosts would trust a key for every host.

export const HOST_NAME_RULE = 'host names and addresses use only letters, digits and . _ - (plus [ ] : for IPv6 addresses and ranges)';
export const USER_RULE = 'user names start with a letter, a digit or _ and use only letters, digits and . _ -';

const HOST_NAME = /^[A-Za-z0-9._\-[\]:]+$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** The first character of value that the pattern's character set does not allow, as JSON shows it. */
function firstBad(value: string, allowed: RegExp): string {
  const bad = [...value].find((c) => !allowed.test(c));
  return bad === undefined ? '' : ` (it has ${JSON.stringify(bad)})`;
}

/** Why `value` cannot be a host name or address (null: it can). `what` names the field: "host name". */
export function hostNameProblem(value: string, what = 'host name'): string | null {
  if (HOST_NAME.test(value)) return null;
  return `${what} ${JSON.stringify(value)} is refused${firstBad(value, /[A-Za-z0-9._\-[\]:]/)}: ${HOST_NAME_RULE}.`;
}

/** Why `value` cannot be a login name (null: it can). */
export function userProblem(value: string): string | null {
  if (USER.test(value)) return null;
  return `user ${JSON.stringify(value)} is refused${firstBad(value, /[A-Za-z0-9._-]/) || ' (it starts with one of . -)'}: ${USER_RULE}.`;
}

/** Why a jump chain ("user@host:port,host2") cannot be used (null: every hop is a valid user, host and port). */
export function jumpProblem(value: string): string | null {
  for (const hop of value.split(',').map((h) => h.trim())) {
    const m = /^(?:([^@]*)@)?(.*?)(?::(\d+))?$/.exec(hop)!;
    const problem = (m[1] !== undefined ? userProblem(m[1]) : null) ?? hostNameProblem(m[2] ?? '', 'jump host');
    if (problem) return problem;
  }
  return null;
}
