import { describe, expect, it } from 'vitest';
import { hostPaths } from './layout';
import { defaultMonitInterval, renderMonitrc } from './monit';

const base = { name: 'host-2', address: '127.0.10.2', paths: hostPaths('/f', 'host-2'), user: 'admin', password: 'abc123' };

describe('renderMonitrc', () => {
  it('binds httpd to the host address with credentials and checks the host and its sshd', () => {
    const text = renderMonitrc({ ...base, interval: 5, mountPoint: '/' });
    expect(text).toContain('set daemon 5\n');
    expect(text).toContain('set httpd port 2812 address 127.0.10.2\n    allow localhost\n    allow admin:"abc123"\n');
    expect(text).toContain('check system host-2\n');
    expect(text).toContain('check process sshd with pidfile /f/hosts/host-2/sshd.pid\n');
    expect(text).toContain('check filesystem fs with path /\n');
    expect(text).toContain('include /f/hosts/host-2/monit.d/*\n');
    for (const own of ['pidfile', 'idfile', 'statefile', 'logfile']) expect(text).toMatch(new RegExp(`set ${own} /f/hosts/host-2/`));
  });

  it('uses the given cycle and skips the filesystem check without a mount point', () => {
    const text = renderMonitrc({ ...base, interval: 80, mountPoint: null });
    expect(text).toContain('set daemon 80\n');
    expect(text).not.toContain('start delay'); // Monit would hold back its httpd too
    expect(text).not.toContain('check filesystem');
  });
});

describe('Monit cycle for large fleets', () => {
  it('keeps 5 s up to 50 hosts and grows with the square beyond, capped', () => {
    expect(defaultMonitInterval(3)).toBe(5);
    expect(defaultMonitInterval(50)).toBe(5);
    expect(defaultMonitInterval(100)).toBe(20);
    expect(defaultMonitInterval(200)).toBe(80);
    expect(defaultMonitInterval(1000)).toBe(300);
  });
});
