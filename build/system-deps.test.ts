import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_LIST, parsePackageList, planInstall, sudoInstallLine, type DebianPackage } from './system-deps';

const list = parsePackageList(fs.readFileSync(PACKAGE_LIST, 'utf8'));
const named = (...names: string[]): DebianPackage[] => names.map((name) => {
  const found = list.find((p) => p.name === name);
  if (!found) throw new Error(`${name} is not in debian-packages.txt`);
  return found;
});

describe('the Debian package list', () => {
  it('gives every package a reason and at least one use', () => {
    expect(list.length).toBeGreaterThan(10);
    for (const p of list) {
      expect(p.why, p.name).not.toBe('');
      expect(p.neededBy.length, p.name).toBeGreaterThan(0);
    }
  });

  it('has the demo need a subset of what the tests need', () => {
    const demo = list.filter((p) => p.neededBy.includes('demo')).map((p) => p.name);
    expect(demo).toEqual(['openssh-server', 'openssh-client', 'monit', 'prometheus-node-exporter', 'haproxy', 'git']);
    for (const name of demo) expect(named(name)[0]?.neededBy).toContain('test');
  });

  it('refuses a line without a use, or with one it does not know', () => {
    expect(() => parsePackageList('sshd\n')).toThrow(/line 1: "sshd" needs one or more of demo, test, bench/);
    expect(() => parsePackageList('# fine\nmonit tests # typo\n')).toThrow(/line 2/);
  });
});

describe('planInstall', () => {
  const missing = named('monit', 'chromium');

  it('does nothing when nothing is missing', () => {
    expect(planInstall([], 'test', { isRoot: false, hasAptGet: false })).toEqual({ kind: 'ready' });
  });

  it('installs as root with apt-get', () => {
    expect(planInstall(missing, 'test', { isRoot: true, hasAptGet: true })).toEqual({ kind: 'install', names: ['monit', 'chromium'] });
  });

  it('stops a user without root with the exact sudo line and why each package is needed', () => {
    const plan = planInstall(missing, 'test', { isRoot: false, hasAptGet: true });
    expect(plan.kind).toBe('stop');
    const message = plan.kind === 'stop' ? plan.message : '';
    expect(message).toContain("Fleetdeck's tests need Debian packages that are not installed:");
    expect(message).toContain('  monit: ');
    expect(message).toContain('Installing needs root.');
    expect(message.split('\n')).toContain('  sudo apt-get install -y --no-install-recommends monit chromium');
  });

  it('stops on a machine without apt-get, even as root', () => {
    const plan = planInstall(named('haproxy'), 'demo', { isRoot: true, hasAptGet: false });
    expect(plan.kind === 'stop' && plan.message).toMatch(/^Fleetdeck's demo needs a Debian package that is not installed:\n {2}haproxy: [^\n]+\nThis machine has no apt-get/);
  });

  it('writes the sudo line apt-get takes', () => {
    expect(sudoInstallLine(['git'])).toBe('sudo apt-get install -y --no-install-recommends git');
  });
});
