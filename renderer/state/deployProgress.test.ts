import { describe, expect, it } from 'vitest';
import type { DeployEventMessage } from '../../shared/contract/deploy';
import { controlsFor, foldDeploy, NO_DEPLOY, progressHeader, stepBadge } from './deployProgress';

const fold = (events: DeployEventMessage[]) => events.reduce(foldDeploy, NO_DEPLOY);
const started: DeployEventMessage = { type: 'started', id: 7, app: 'shop', kind: 'deploy', release: '20261123040000', hosts: ['a', 'b'], stage: null, promotedFrom: null, ref: 'v4', waves: [['a'], ['b']] };

describe('deploy progress', () => {
  it('folds steps per host, waves and the end', () => {
    const p = fold([
      started,
      { type: 'step', host: 'a', step: 'switch', state: 'running', output: '', ms: 0 },
      { type: 'step', host: 'a', step: 'switch', state: 'ok', output: 'x', ms: 12 },
      { type: 'wave', index: 0, hosts: ['a'], state: 'ok' },
      { type: 'note', message: 'The webhook was not told: refused' },
      { type: 'done', outcome: 'succeeded', release: '20261123040000', message: 'live' },
    ]);
    expect(p.steps['a']?.['switch']).toEqual({ state: 'ok', ms: 12, output: 'x' });
    expect(p.waves).toEqual({ 0: 'ok' });
    expect(p.notes).toHaveLength(1);
    expect(p.done?.outcome).toBe('succeeded');
    expect(controlsFor(p)).toEqual({ pause: false, resume: false, abort: false, abortRollback: false });
  });

  it('shows a running health gate with its time so far and its limit', () => {
    const p = fold([started, { type: 'step', host: 'a', step: 'health', state: 'running', output: 'http://a/health: refused', ms: 3200, limitMs: 10_000 }]);
    expect(stepBadge('health', p.steps['a']!['health']!)).toBe('health 3 s of 10 s…');
    expect(stepBadge('switch', { state: 'ok', ms: 1234, output: '' })).toBe('switch ✓ 1.2 s');
  });

  it('says what is deployed where, with the waves the core runs', () => {
    const p = fold([started]);
    expect(p.plannedWaves).toEqual([['a'], ['b']]);
    expect(progressHeader(p)).toBe('deploy 20261123040000 (v4) on 2 hosts: a, b');
    expect(progressHeader(fold([{ ...started, kind: 'rollback', ref: null, hosts: ['a'], stage: 'staging' } as DeployEventMessage]))).toBe('rollback 20261123040000 to staging on 1 host: a');
  });

  it('keeps the stage a promotion goes to and comes from', () => {
    const p = fold([{ ...started, stage: 'production', promotedFrom: 'staging' } as DeployEventMessage, { type: 'prepared', revision: 'abc' }]);
    expect([p.stage, p.promotedFrom, p.hosts]).toEqual(['production', 'staging', ['a', 'b']]);
  });

  it('offers resume while paused, and no second abort while aborting', () => {
    const paused = fold([started, { type: 'control', state: 'paused' }]);
    expect(controlsFor(paused)).toEqual({ pause: false, resume: true, abort: true, abortRollback: true });
    const aborting = foldDeploy(paused, { type: 'control', state: 'aborting' });
    expect(controlsFor(aborting)).toEqual({ pause: false, resume: false, abort: false, abortRollback: true });
    expect(controlsFor(foldDeploy(aborting, { type: 'control', state: 'aborting-rollback' })).abortRollback).toBe(false);
  });

  it('a new start clears what an earlier deploy left', () => {
    const p = fold([started, { type: 'step', host: 'a', step: 'lock', state: 'failed', output: 'locked', ms: 3 }, { ...started, id: 8 } as DeployEventMessage]);
    expect(p.id).toBe(8);
    expect(p.steps).toEqual({});
  });
});
