import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMonit } from './monit';
import { ParseError } from '../../common/parseError';

// Real responses of Monit 5.33 (Debian 12), captured on loopback; see fixtures/.
const fixture = (name: string): Buffer => readFileSync(join(__dirname, 'fixtures', name));
const byId = (result: ReturnType<typeof parseMonit>) => Object.fromEntries(result.checks.map((c) => [c.id, c]));

describe('parseMonit, format 1', () => {
  const result = parseMonit(fixture('monit-5.33.0-status-trimmed.xml'));
  const checks = byId(result);

  it('turns every service into a check with a reason a person reads', () => {
    expect(Object.keys(checks).sort()).toEqual(
      ['monit:filesystem:rootfs', 'monit:host:localweb', 'monit:net:eth0', 'monit:process:web1', 'monit:program:failer', 'monit:system:vm'].sort(),
    );
    expect(checks['monit:system:vm']).toMatchObject({ state: 'OK' });
    expect(checks['monit:process:web1']).toMatchObject({ state: 'CRITICAL', reason: 'process web1 is not running' });
    expect(checks['monit:host:localweb']!.state).toBe('CRITICAL');
    expect(checks['monit:host:localweb']!.reason).toMatch(/connection failed.*127\.0\.0\.1:18099 failed/);
    expect(checks['monit:program:failer']).toMatchObject({ state: 'CRITICAL' });
    expect(checks['monit:program:failer']!.reason).toMatch(/status failed \(exit code 3: boom\)/);
    expect(checks['monit:filesystem:rootfs']!.reason).toContain('9.6 % used');
  });

  it('takes load, cpu, memory and disk samples', () => {
    const samples = Object.fromEntries(result.samples.map((s) => [s.metric, s.value]));
    expect(samples.load1).toBeCloseTo(0.22);
    expect(samples.load15).toBeCloseTo(0.35);
    expect(samples.cpu_pct).toBeCloseTo(5.6, 1);
    expect(samples.mem_used_pct).toBeCloseTo(2.0);
    expect(samples['disk_used_pct:rootfs']).toBeCloseTo(9.6);
    expect(samples['latency_ms:localweb:18082']).toBeCloseTo(1.152);
    expect(samples['latency_ms:localweb:18099']).toBeUndefined();
  });
});

describe('parseMonit, format 2', () => {
  it('reads <services><service name> with the same ids as format 1', () => {
    const checks = byId(parseMonit(fixture('monit-5.33.0-status2-capture.xml')));
    expect(checks['monit:process:web1']).toMatchObject({ state: 'OK' });
    expect(checks['monit:system:vm']).toMatchObject({ state: 'OK' });
    expect(Object.keys(checks)).toContain('monit:program:failer');
  });
});

describe('parseMonit, bad input', () => {
  const bad = (body: string): string => {
    try {
      parseMonit(Buffer.from(body, 'latin1'));
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      return (error as Error).message;
    }
    throw new Error('expected a ParseError');
  };

  it('says what it got instead of Monit XML', () => {
    expect(bad('<!DOCTYPE html><html><body>Welcome to nginx!</body></html>')).toMatch(/HTML page/);
    expect(bad('')).toMatch(/empty/);
    expect(bad('\x00\x01\x02garbage\xff')).toMatch(/binary/);
    expect(bad('<?xml version="1.0"?><rss></rss>')).toMatch(/ends early|no <monit>/);
  });

  it('refuses an XML bomb without expanding it', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><monit><service type="5"><name>&lol2;</name></service></monit>';
    expect(bad(lol)).toMatch(/does not expand/);
  });

  it('says a truncated response is broken', () => {
    const text = fixture('monit-5.33.0-status-trimmed.xml').toString('latin1');
    expect(bad(text.slice(0, text.length / 2))).toMatch(/truncated/);
    expect(bad('<?xml version="1.0"?><monit><server></server></monit>')).toMatch(/no services/);
  });
});
