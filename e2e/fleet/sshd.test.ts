import { describe, expect, it } from 'vitest';
import { hostPaths } from './layout';
import { renderSshdConfig, sshdArgs } from './sshd';

const paths = hostPaths('/f', 'host-3');
const input = { name: 'host-3', address: '127.0.10.3', paths, authorizedKeys: '/f/authorized_keys', user: 'root', perSourcePenalties: false };

describe('renderSshdConfig', () => {
  it('listens on the host address only and allows only the fleet key', () => {
    const text = renderSshdConfig(input);
    expect(text).toContain('ListenAddress 127.0.10.3:2222\n');
    expect(text).toContain('HostKey /f/hosts/host-3/ssh_host_ed25519_key\n');
    expect(text).toContain('AuthorizedKeysFile /f/authorized_keys\n');
    expect(text).toContain('PasswordAuthentication no\n');
    expect(text).toContain('UsePAM no\n');
    expect(text).toContain('PidFile /f/hosts/host-3/sshd.pid\n');
    expect(text).toContain('MaxStartups 200:30:400\n');
    expect(text).not.toMatch(/^Port /m);
  });

  it('tells sessions their host and gives them a home of their own', () => {
    expect(renderSshdConfig(input)).toContain(
      'SetEnv FLEETDECK_HOST=host-3 FLEETDECK_ADDRESS=127.0.10.3 FLEETDECK_HOST_DIR=/f/hosts/host-3 HOME=/f/hosts/host-3/home\n',
    );
  });

  it('turns off per-source penalties only where OpenSSH knows the option', () => {
    expect(renderSshdConfig(input)).not.toContain('PerSourcePenalties');
    expect(renderSshdConfig({ ...input, perSourcePenalties: true })).toContain('PerSourcePenalties no\n');
  });

  it('lets a password user in by its methods only, through PAM, and keeps key login for the fleet user', () => {
    const text = renderSshdConfig({ ...input, perSourcePenalties: true, passwordUser: { user: 'fleetdeck-pw', methods: ['keyboard-interactive'] } });
    expect(text).toContain('AllowUsers root fleetdeck-pw\n');
    expect(text).toContain('UsePAM yes\n');
    // Key only for everyone else…
    expect(text).toContain('AuthenticationMethods publickey\nPubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n');
    // …and a Match block at the very end (after PerSourcePenalties) for the password user.
    expect(text.endsWith(
      'PerSourcePenalties no\nMatch User fleetdeck-pw\n\tAuthenticationMethods keyboard-interactive\n\tPasswordAuthentication no\n\tKbdInteractiveAuthentication yes\n\tPubkeyAuthentication no\n',
    )).toBe(true);
    const both = renderSshdConfig({ ...input, passwordUser: { user: 'fleetdeck-pw', methods: ['password', 'keyboard-interactive'] } });
    expect(both).toContain('\tAuthenticationMethods password keyboard-interactive\n\tPasswordAuthentication yes\n\tKbdInteractiveAuthentication yes\n');
    // No methods: a plain key-only host.
    expect(renderSshdConfig({ ...input, passwordUser: { user: 'fleetdeck-pw', methods: [] } })).toBe(renderSshdConfig(input));
    expect(renderSshdConfig(input)).not.toContain('Match');
  });

  it('runs in the foreground with its own config and log', () => {
    expect(sshdArgs(paths)).toEqual(['-D', '-f', '/f/hosts/host-3/sshd_config', '-E', '/f/hosts/host-3/sshd.log']);
  });
});
