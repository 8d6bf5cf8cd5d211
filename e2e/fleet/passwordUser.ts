// An account that logs in with a password, for tests of password and keyboard-interactive logins:
// the fleet's own user logs in by key only. Opt-in (fleetUp's passwordUser option), because it
// needs root and leaves a local account behind: `fleetdeck-pw`, created when missing, with no
// sudo and no key. Its password is the fleet's (D/password-user, random, kept across `up`s) and is
// set again on every `up` that asks for the account, so the newest fleet's password is the one
// that works. Only the hosts named in the option let it in (see sshd.ts).
import { spawnSync } from 'node:child_process';

export const PASSWORD_USER = 'fleetdeck-pw';

/** What a host's sshd offers the password user: sshd's AuthenticationMethods names. */
export type PasswordMethod = 'password' | 'keyboard-interactive';

export function passwordUserExists(user = PASSWORD_USER): boolean {
  return spawnSync('id', ['-u', user], { stdio: 'ignore' }).status === 0;
}

/** Creates the account if it is missing and sets its password. Root only. */
export function ensurePasswordUser(password: string, user = PASSWORD_USER): { created: boolean } {
  if (process.getuid?.() !== 0) {
    throw new Error(`the fleet's password user (${user}) needs root: only root can create the account and set its password`);
  }
  // chpasswd reads "user:password" lines: a password with a newline or colon would be misread.
  if (/[\n\r:]/.test(password)) throw new Error('the password user\'s password must not contain a colon or a newline');
  let created = false;
  if (!passwordUserExists(user)) {
    run('useradd', ['--create-home', '--shell', '/bin/bash', '--comment', 'Fleetdeck test fleet, password logins', user]);
    created = true;
  }
  // On stdin, never on a command line (ps would show it).
  run('chpasswd', [], `${user}:${password}\n`);
  return { created };
}

function run(command: string, args: string[], input?: string): void {
  const result = spawnSync(command, args, { input, encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim()}`);
}
