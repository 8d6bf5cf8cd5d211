import { describe, expect, it } from 'vitest';
import type { Check } from '../../../shared/status/model';
import { HostHealth, type Reported } from './hostHealth';

const check = (state: Check['state'], id = 'monit:endpoint', reason = `it is ${state}`): Check => ({ id, source: 'monit', name: 'Monit', state, reason });
/** What one source with three attempts reported. */
const polled = (...checks: Check[]): Reported[] => [{ checks, maxAttempts: 3 }];

describe('HostHealth', () => {
  it('is UNKNOWN before the first poll, and says so', () => {
    expect(new HostHealth('a', 1000, true).status(0)).toMatchObject({ state: 'UNKNOWN', summary: 'not polled yet' });
    expect(new HostHealth('a', 1000, false).status(0).summary).toMatch(/no status source/);
  });

  it('goes soft, then hard after max attempts, then recovers, with one event per change', () => {
    const h = new HostHealth('a', 1000, true);
    expect(h.apply('poll', polled(check('OK')), 1000, true)).toEqual([]);
    const soft = h.apply('poll', polled(check('CRITICAL')), 2000, true);
    expect(soft).toMatchObject([{ from: 'OK', to: 'CRITICAL', hard: false, host: 'a', check: 'monit:endpoint' }]);
    expect(h.apply('poll', polled(check('CRITICAL')), 3000, true)).toEqual([]);
    expect(h.apply('poll', polled(check('CRITICAL')), 4000, true)).toMatchObject([{ from: 'CRITICAL', to: 'CRITICAL', hard: true }]);
    const status = h.status(4000);
    expect(status).toMatchObject({ state: 'CRITICAL', hard: true, summary: 'Monit: it is CRITICAL' });
    expect(status.checks[0]).toMatchObject({ attempt: 3, maxAttempts: 3, since: 2000 });
    expect(h.apply('poll', polled(check('OK')), 5000, true)).toMatchObject([{ from: 'CRITICAL', to: 'OK', hard: true }]);
  });

  it('resumes from the problems open when the console stopped: a recovery meanwhile is an event, a lasting problem is not new', () => {
    const left = (check: string, to: 'CRITICAL' | 'WARNING', hard: boolean, at: number) => ({ id: 1, at, host: 'a', check, checkName: 'Monit', from: 'OK' as const, to, hard, reason: 'down' });
    const h = new HostHealth('a', 1000, true);
    h.resume([left('recovered', 'CRITICAL', true, 500), left('lasting', 'CRITICAL', true, 600), left('soft', 'WARNING', false, 700), { ...left('other host', 'CRITICAL', true, 1), host: 'b' }]);
    const events = h.apply('poll', polled(check('OK', 'recovered'), check('CRITICAL', 'lasting'), check('WARNING', 'soft'), check('CRITICAL', 'other host')), 10_000, true);
    // Recovered while the console was away: said at once. Still CRITICAL: hard since before, no
    // event. Soft before: its second attempt, no event. The other host's problem is not this host's.
    expect(events).toMatchObject([
      { check: 'recovered', from: 'CRITICAL', to: 'OK', hard: true },
      { check: 'other host', from: 'OK', to: 'CRITICAL', hard: false },
    ]);
    expect(events).toHaveLength(2);
    const byId = Object.fromEntries(h.status(10_000).checks.map((c) => [c.id, c]));
    expect(byId.lasting).toMatchObject({ state: 'CRITICAL', hard: true, attempt: 3, since: 600 });
    expect(byId.soft).toMatchObject({ state: 'WARNING', hard: false, attempt: 2, since: 700 });
    // Resumed once: a check that comes and goes later starts afresh.
    expect(h.apply('poll', polled(check('OK', 'lasting')), 11_000, true)).toMatchObject([{ check: 'lasting', from: 'CRITICAL', to: 'OK' }]);
  });

  it('puts the worst check first and counts the others', () => {
    const h = new HostHealth('a', 1000, true);
    h.apply('poll', polled(check('OK', 'a'), check('WARNING', 'b', 'disk full'), check('CRITICAL', 'c', 'down'), check('UNKNOWN', 'd')), 1000, true);
    const s = h.status(1000);
    expect(s.checks.map((c) => c.id)).toEqual(['c', 'b', 'd', 'a']);
    expect(s.summary).toBe('Monit: down (+2 more)');
    expect(s.hard).toBe(false);
  });

  it("replaces only the reporting group's checks", () => {
    const h = new HostHealth('a', 1000, true);
    h.apply('poll', polled(check('OK', 'own')), 1000, true);
    h.apply('lb:lb-1', polled(check('CRITICAL', 'haproxy:lb-1:web/a')), 1000, false);
    h.apply('poll', polled(check('OK', 'own')), 2000, true);
    expect(h.status(2000).checks.map((c) => c.id)).toEqual(['haproxy:lb-1:web/a', 'own']);
    h.apply('lb:lb-1', polled(), 3000, false);
    expect(h.status(3000).checks.map((c) => c.id)).toEqual(['own']);
  });

  it('reports a changed check at once, however often its status was asked before', () => {
    const h = new HostHealth('a', 1000, true);
    h.apply('poll', polled(check('OK', 'a'), check('OK', 'b')), 1000, true);
    const quiet = h.status(1000);
    expect(h.status(1500).checks).toEqual(quiet.checks);
    h.apply('poll', polled(check('OK', 'a'), check('WARNING', 'b', 'disk full')), 2000, true);
    expect(h.status(2000)).toMatchObject({ state: 'WARNING', summary: 'Monit: disk full' });
    h.apply('poll', polled(check('OK', 'a'), check('WARNING', 'b', 'disk fuller')), 3000, true);
    expect(h.status(3000).summary).toBe('Monit: disk fuller');
    h.apply('poll', polled(check('OK', 'a')), 4000, true);
    expect(h.status(4000)).toMatchObject({ state: 'OK', summary: '1 checks OK' });
    expect(quiet.checks.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('turns stale when nothing answered for three intervals', () => {
    const h = new HostHealth('a', 1000, true);
    h.apply('poll', polled(check('OK')), 1000, true);
    expect(h.status(3500).stale).toBe(false);
    h.apply('poll', polled(check('CRITICAL')), 3600, false);
    expect(h.status(4500).stale).toBe(true);
    expect(h.status(4500).summary).toMatch(/^no fresh data since/);
  });

  it('gives the latest samples, each status a copy that later polls do not change', () => {
    const h = new HostHealth('a', 1000, true);
    h.setSamples([{ metric: 'load1', value: 0.5 }, { metric: 'cpu_pct', value: 12.5 }]);
    const first = h.status(1000);
    h.setSamples([{ metric: 'load1', value: 0.75 }, { metric: 'cpu_pct', value: 20 }]);
    expect(h.status(2000).latest).toEqual({ load1: 0.75, cpu_pct: 20 });
    expect(first.latest).toEqual({ load1: 0.5, cpu_pct: 12.5 });
    h.setSamples([{ metric: 'load1', value: 1 }, { metric: 'disk_used_pct:/', value: 40 }]);
    expect(h.status(3000).latest).toEqual({ load1: 1, 'disk_used_pct:/': 40 });
  });
});
