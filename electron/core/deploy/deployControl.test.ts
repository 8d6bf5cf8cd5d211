import { describe, expect, it } from 'vitest';
import { Aborted, DeployControl } from './deployControl';

describe('deploy control', () => {
  it('holds a checkpoint while paused and lets it go on resume', async () => {
    const states: string[] = [];
    const c = new DeployControl((s) => states.push(s));
    expect(c.act('pause')).toBe(true);
    let passed = false;
    const gate = c.checkpoint().then(() => (passed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(passed).toBe(false);
    expect(c.act('pause')).toBe(false);
    expect(c.act('resume')).toBe(true);
    await gate;
    expect(passed).toBe(true);
    expect(states).toEqual(['paused', 'running']);
  });

  it('an abort during a pause ends the checkpoint with Aborted, saying whether to roll back', async () => {
    const c = new DeployControl();
    c.act('pause');
    const gate = c.checkpoint().catch((e: unknown) => e);
    c.act('abort-rollback');
    const error = await gate;
    expect(error).toBeInstanceOf(Aborted);
    expect((error as Aborted).rollback).toBe(true);
    // Once rolling back, a plain abort cannot take the rollback away.
    expect(c.act('abort')).toBe(false);
    expect(c.state).toBe('aborting-rollback');
  });

  // The wait is 60 s and the test's limit 5 s: only an abort that cuts it short passes.
  it('a wait is cut short by an abort but not by a pause', async () => {
    const c = new DeployControl();
    const waiting = c.wait(60_000).catch((e: unknown) => e);
    c.act('pause');
    c.act('resume');
    await new Promise((r) => setTimeout(r, 20));
    c.act('abort');
    expect(await waiting).toBeInstanceOf(Aborted);
    // A plain abort may still become abort-and-roll-back.
    expect(c.act('abort-rollback')).toBe(true);
  });
});
