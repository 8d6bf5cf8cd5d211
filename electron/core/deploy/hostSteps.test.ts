import { describe, expect, it } from 'vitest';
import { parseCurrent, previousProblem, switchScript } from './hostSteps';

// What a host answers about `current` is used only when it is a release id.

describe('where current points', () => {
  it('is a release id, none, or a problem that quotes what the host answered', () => {
    expect(parseCurrent(['current=releases/20260101120000'])).toEqual({ current: '20260101120000', problem: null });
    expect(parseCurrent(['current=/srv/app/releases/20260101120000/'])).toEqual({ current: '20260101120000', problem: null });
    expect(parseCurrent(['current=', 'lock=x'])).toEqual({ current: null, problem: null });
    expect(parseCurrent([])).toEqual({ current: null, problem: null });
    for (const target of ['releases/$(touch x)', 'releases/x; id', 'releases/20260101120000 x', 'releases/2026010112000']) {
      const seen = parseCurrent([`current=${target}`]);
      expect(seen.current).toBeNull();
      expect(seen.problem).toContain(`current points at ${JSON.stringify(target)}, which is not a release`);
    }
  });

  it('a stored previous release must be a release id too', () => {
    expect(previousProblem({ a: '20260101120000', b: null })).toBeNull();
    expect(previousProblem({ a: '`id`' })).toMatch(/^The deploy record names "`id`" for a as the previous release/);
  });

  it('switch refuses anything but a release id', () => {
    expect(() => switchScript({ deployTo: '~/app', release: '$(id)' })).toThrow('"$(id)" is not a release id');
    expect(switchScript({ deployTo: '~/app', release: '20260101120000' })).toContain("ln -sfn releases/'20260101120000' current.tmp");
  });
});
