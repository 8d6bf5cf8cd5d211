// One OpenSSH sshd per test host, on the host's own loopback address.
import { SSH_PORT, type HostPaths } from './layout';
import type { PasswordMethod } from './passwordUser';

export interface SshdConfigInput {
  name: string;
  address: string;
  paths: HostPaths;
  authorizedKeys: string;
  user: string;
  /** OpenSSH >= 9.8 penalises sources that fail auth; every test host talks to one source. */
  perSourcePenalties: boolean;
  /** Also let this account in, by these methods only (passwordUser.ts); null for key-only hosts. */
  passwordUser?: { user: string; methods: PasswordMethod[] } | null;
}

/**
 * The config is deliberately explicit (nothing inherited from /etc/ssh). Notes:
 * - SetEnv gives sessions their host's identity: all test hosts share one kernel and one hostname.
 * - SetEnv HOME is applied after sshd sets HOME from passwd (checked on OpenSSH 9.2), so `~` and
 *   $HOME are per host. The working directory of a session is still the passwd home (sshd chdirs
 *   there), so deploys must use ~/… or absolute paths, not bare relative ones.
 * - internal-sftp -d starts sftp sessions in the per-host home for the same reason.
 * - MaxStartups/MaxSessions are raised because tests and benchmarks open many connections at once.
 * - StrictModes no: the fleet dir may live under a group-writable temp dir.
 * - A host with a password user runs PAM (sshd checks passwords and asks keyboard-interactive
 *   prompts through /etc/pam.d/sshd). UsePAM cannot go in a Match block, so PAM then also runs the
 *   account and session stacks for the fleet user's key logins on that host; those keep working.
 *   The password methods are turned on in a Match block for that one account only.
 */
export function renderSshdConfig(input: SshdConfigInput): string {
  const { paths } = input;
  const pw = input.passwordUser && input.passwordUser.methods.length > 0 ? input.passwordUser : null;
  const lines = [
    `# Written by e2e/fleet (sshd.ts) for ${input.name} of a test fleet on loopback.`,
    `ListenAddress ${input.address}:${SSH_PORT}`,
    `HostKey ${paths.hostKey}`,
    `PidFile ${paths.sshdPid}`,
    `AuthorizedKeysFile ${input.authorizedKeys}`,
    `AllowUsers ${input.user}${pw && pw.user !== input.user ? ` ${pw.user}` : ''}`,
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    `UsePAM ${pw ? 'yes' : 'no'}`,
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'MaxStartups 200:30:400',
    'MaxSessions 100',
    'LoginGraceTime 30',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'AllowTcpForwarding yes',
    'LogLevel INFO',
    `Subsystem sftp internal-sftp -d ${paths.home}`,
    `SetEnv FLEETDECK_HOST=${input.name} FLEETDECK_ADDRESS=${input.address} FLEETDECK_HOST_DIR=${paths.dir} HOME=${paths.home}`,
  ];
  if (input.perSourcePenalties) lines.push('PerSourcePenalties no');
  // Last: a Match block runs to the end of the file.
  if (pw) {
    lines.push(
      `Match User ${pw.user}`,
      // Either method alone is enough (space-separated lists are alternatives).
      `\tAuthenticationMethods ${pw.methods.join(' ')}`,
      `\tPasswordAuthentication ${pw.methods.includes('password') ? 'yes' : 'no'}`,
      `\tKbdInteractiveAuthentication ${pw.methods.includes('keyboard-interactive') ? 'yes' : 'no'}`,
      '\tPubkeyAuthentication no',
    );
  }
  return lines.join('\n') + '\n';
}

/** -D keeps sshd in the foreground so the pid we spawn is the listener's (it still writes PidFile). */
export function sshdArgs(paths: HostPaths): string[] {
  return ['-D', '-f', paths.sshdConfig, '-E', paths.sshdLog];
}
