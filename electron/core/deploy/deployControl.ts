import type { ControlActionName, ControlStateName } from '../../../shared/contract/deploy';

// The buttons of a running deploy: pause, resume, abort, abort and roll back. The runner calls
// `checkpoint()` before each step it starts and `wait()` instead of sleeping, so a pause holds the
// next step (the running ones finish: a half-run `mv` is worse than a late stop), and an abort
// ends the deploy at the next checkpoint or at once during a wait (health gate, bake time).

export type ControlState = ControlStateName;
export type ControlAction = ControlActionName;

export class Aborted extends Error {
  constructor(
    readonly rollback: boolean,
    /** Why, in the outcome's words: "Aborted by the user" unless the runner stopped itself. */
    readonly why = 'Aborted by the user',
  ) {
    super(rollback ? `${why}, switched hosts go back` : why);
  }
}

export class DeployControl {
  private current: ControlState = 'running';
  private why: string | undefined;
  private wake = new Set<() => void>();

  constructor(private readonly onChange: (state: ControlState) => void = () => undefined) {}

  get state(): ControlState {
    return this.current;
  }

  /** Applies a button; false when it means nothing now (resume while running, pause after abort).
   * `why` words an abort the deploy asks of itself (its lock was taken over). */
  act(action: ControlAction, why?: string): boolean {
    const aborting = this.current === 'aborting' || this.current === 'aborting-rollback';
    const next: ControlState | null =
      action === 'pause' ? (this.current === 'running' ? 'paused' : null)
      : action === 'resume' ? (this.current === 'paused' ? 'running' : null)
      : aborting && (action === 'abort' || this.current === 'aborting-rollback') ? null
      : action === 'abort' ? 'aborting'
      : 'aborting-rollback';
    if (!next) return false;
    if (next === 'aborting' || next === 'aborting-rollback') this.why = why;
    this.current = next;
    this.onChange(next);
    for (const wake of [...this.wake]) wake();
    return true;
  }

  /** Waits while paused; throws Aborted once an abort was asked for. */
  async checkpoint(): Promise<void> {
    while (this.current === 'paused') {
      await new Promise<void>((resolve) => {
        const stop = this.listen(() => (stop(), resolve()));
      });
    }
    this.throwIfAborted();
  }

  /** Sleeps ms, cut short by an abort (then throws Aborted). */
  async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const stop = this.listen(() => this.aborting() && done());
      function done(): void {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
    this.throwIfAborted();
  }

  private aborting(): boolean {
    return this.current === 'aborting' || this.current === 'aborting-rollback';
  }

  private throwIfAborted(): void {
    if (this.aborting()) throw new Aborted(this.current === 'aborting-rollback', this.why);
  }

  /** Calls fn on every change of state until the returned function is called. */
  private listen(fn: () => void): () => void {
    this.wake.add(fn);
    return () => void this.wake.delete(fn);
  }
}
