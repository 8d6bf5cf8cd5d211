import { describe, expect, it } from 'vitest';
import { hostsByStage, nextStage, stageDrift, stageProblem, stageStates } from './stages';

const stages = ['staging', 'production'];
const byStage = hostsByStage(stages, [
  { name: 'a', environment: 'staging' },
  { name: 'b', environment: 'production' },
  { name: 'c', environment: 'production' },
  { name: 'x', environment: 'qa' },
]);
const report = (host: string, current: string | null) => ({ host, current, releases: current ? [current] : [], log: [], error: null });
const record = (id: number, release: string, stage: string, outcome = 'succeeded', revision: string | null = 'abc') => ({ id, kind: 'deploy' as const, release, outcome, stage, revision });

describe('stages', () => {
  it('knows the next stage and refuses a stage the app does not name', () => {
    expect(nextStage(stages, 'staging')).toBe('production');
    expect(nextStage(stages, 'production')).toBeNull();
    expect(nextStage(stages, 'qa')).toBeNull();
    expect(stageProblem('shop', stages, 'production')).toBeNull();
    expect(stageProblem('shop', stages, 'qa')).toBe('"qa" is not a stage of app "shop"; its stages are staging, production.');
    expect(stageProblem('shop', undefined, 'qa')).toMatch(/has no stages/);
    expect([...byStage]).toEqual([
      ['staging', ['a']],
      ['production', ['b', 'c']],
    ]);
  });

  it('offers to promote the newest succeeded deploy a stage runs, to the next stage, until it runs there', () => {
    const reports = [report('a', '20260102000000'), report('b', '20260101000000'), report('c', '20260101000000')];
    const records = [record(1, '20260101000000', 'staging'), record(2, '20260102000000', 'staging'), record(3, '20260101000000', 'production')];
    const [staging, production] = stageStates(stages, byStage, reports, records);
    expect(staging).toMatchObject({ stage: 'staging', hosts: ['a'], running: ['20260102000000'], promote: { record: { id: 2 }, to: 'production' } });
    expect(production).toMatchObject({ stage: 'production', hosts: ['b', 'c'], running: ['20260101000000'], promote: null });
    // Once production runs it on every host, there is nothing left to promote.
    const promoted = [report('a', '20260102000000'), report('b', '20260102000000'), report('c', '20260102000000')];
    expect(stageStates(stages, byStage, promoted, records)[0]!.promote).toBeNull();
    // Half promoted (c still on the old one): offered again, to finish it.
    const half = [report('a', '20260102000000'), report('b', '20260102000000'), report('c', '20260101000000')];
    expect(stageStates(stages, byStage, half, records)[0]!.promote?.record.id).toBe(2);
  });

  it('offers nothing for a deploy that failed, one the stage does not run, or one without a revision', () => {
    const reports = [report('a', '20260102000000'), report('b', null), report('c', null)];
    const promote = (records: ReturnType<typeof record>[]) => stageStates(stages, byStage, reports, records)[0]!.promote;
    expect(promote([record(2, '20260102000000', 'staging', 'rolled back')])).toBeNull();
    expect(promote([record(2, '20260102000000', 'staging', 'succeeded', null)])).toBeNull();
    expect(promote([record(4, '20260103000000', 'staging')])).toBeNull();
    // A newer deploy the stage went back from (a rollback) leaves the one it runs promotable.
    expect(promote([record(2, '20260102000000', 'staging'), record(4, '20260103000000', 'staging')])?.record.id).toBe(2);
    expect(promote([record(2, '20260102000000', 'production')])).toBeNull();
  });

  it('flags drift within a stage, not between stages', () => {
    const reports = [report('a', '20260102000000'), report('b', '20260101000000'), report('c', '20260101000000')];
    const staged = stageDrift(reports, byStage);
    expect(staged.drifted).toEqual([]);
    expect(staged.expectedOf.get('a')).toBe('20260102000000');
    expect(staged.stageOf.get('c')).toBe('production');
    expect(stageDrift(reports, null).drifted).toEqual(['a']);
    // Production split one and one: the newer release is taken as expected.
    expect(stageDrift([...reports.slice(0, 2), report('c', '20260102000000')], byStage).drifted).toEqual(['b']);
  });
});
