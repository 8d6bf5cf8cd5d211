import { describe, expect, it } from 'vitest';
import { nextLoginStep, startLogin, type LoginEvent, type LoginState, type LoginStep } from './loginSteps';

// The login order without a network: each case feeds the events ssh2 and the Login would feed
// (the server's refusals with the methods it still takes, lookups, answers) and checks the steps.

const next = (methodsLeft: string[] | null, partial: boolean | null = false): LoginEvent => ({ kind: 'next', methodsLeft, partial });
const START = next(null, null);
const BOTH = ['publickey', 'password', 'keyboard-interactive'];

/** The steps taken for these events, and the state after the last one. */
function drive(state: LoginState, events: LoginEvent[]): { steps: LoginStep[]; state: LoginState } {
  const steps: LoginStep[] = [];
  for (const event of events) {
    const t = nextLoginStep(state, event);
    steps.push(t.step);
    state = t.state;
  }
  return { steps, state };
}
const offer = (method: string): LoginStep => ({ kind: 'offer', method }) as LoginStep;
const GIVE_UP: LoginStep = { kind: 'give-up' };

describe('nextLoginStep', () => {
  const full = startLogin({ agent: true, identity: '~/.ssh/id_ed25519', canAsk: true, canRemember: true });

  it('offers the agent, then the identity file, then asks the server what it takes before any question', () => {
    const { steps, state } = drive(full, [START, next(BOTH), next(BOTH)]);
    expect(steps).toEqual([offer('agent'), offer('publickey'), { kind: 'look-up-password' }]);
    expect(state.tried).toEqual(['agent', 'publickey ~/.ssh/id_ed25519']);
  });

  it('offers "none" first when the server has not said what it takes', () => {
    const bare = startLogin({ agent: false, identity: null, canAsk: true, canRemember: false });
    const { steps } = drive(bare, [START, next(['password']), { kind: 'answered', given: true }]);
    expect(steps).toEqual([offer('none'), { kind: 'ask-password' }, offer('password')]);
  });

  it('gives up after the keys when there is no one to ask and nothing remembered', () => {
    const keysOnly = startLogin({ agent: false, identity: '/k', canAsk: false, canRemember: false });
    const { steps, state } = drive(keysOnly, [START, next(BOTH)]);
    expect(steps).toEqual([offer('publickey'), GIVE_UP]);
    expect(state.failure).toBe('refused');
    expect(state.tried).toEqual(['publickey /k']);
  });

  it('tries a remembered password before asking, and asks once it is refused (after forgetting it)', () => {
    const { steps, state } = drive(full, [START, next(BOTH), next(BOTH), { kind: 'remembered', found: true }, next(BOTH), { kind: 'forgotten' }, { kind: 'answered', given: true }]);
    expect(steps.slice(2)).toEqual([{ kind: 'look-up-password' }, offer('password'), { kind: 'forget-password' }, { kind: 'ask-password' }, offer('password')]);
    expect(state.tried).toEqual(['agent', 'publickey ~/.ssh/id_ed25519', 'password (remembered)', 'password']);
  });

  it('forgets a refused remembered password and gives up when the server takes no password', () => {
    const s = drive(full, [START, next(BOTH), next(['password']), { kind: 'remembered', found: true }]).state;
    expect(drive(s, [next(['keyboard-interactive']), { kind: 'forgotten' }]).steps).toEqual([{ kind: 'forget-password' }, GIVE_UP]);
  });

  it('asks for a password when none is remembered', () => {
    const { steps } = drive(full, [START, next(BOTH), next(BOTH), { kind: 'remembered', found: false }]);
    expect(steps.at(-1)).toEqual({ kind: 'ask-password' });
  });

  it('does not ask again by keyboard-interactive after a refused password: one wrong answer, one question', () => {
    const s = drive(full, [START, next(BOTH), next(BOTH), { kind: 'remembered', found: false }, { kind: 'answered', given: true }]).state;
    const { steps, state } = drive(s, [next(BOTH)]);
    expect(steps).toEqual([GIVE_UP]);
    expect(state.failure).toBe('password');
  });

  it('goes on to keyboard-interactive after a partial success (a server that wants both)', () => {
    const s = drive(full, [START, next(BOTH), next(BOTH), { kind: 'remembered', found: false }, { kind: 'answered', given: true }]).state;
    const { steps, state } = drive(s, [next(['keyboard-interactive'], true)]);
    expect(steps).toEqual([offer('keyboard-interactive')]);
    expect(state.tried.at(-1)).toBe('keyboard-interactive');
  });

  it('offers keyboard-interactive where the server takes no password, and only with someone to ask', () => {
    const s = drive(full, [START, next(['keyboard-interactive'])]).state;
    expect(drive(s, [next(['keyboard-interactive'])]).steps).toEqual([offer('keyboard-interactive')]);
    const unattended = startLogin({ agent: false, identity: null, canAsk: false, canRemember: true });
    expect(drive(unattended, [START, next(['keyboard-interactive'])]).steps).toEqual([offer('none'), GIVE_UP]);
  });

  it('says the login was cancelled when the user gives no password', () => {
    const s = drive(full, [START, next(BOTH), next(BOTH), { kind: 'remembered', found: false }]).state;
    const { steps, state } = drive(s, [{ kind: 'answered', given: false }]);
    expect(steps).toEqual([GIVE_UP]);
    expect(state.failure).toBe('cancelled');
  });

  it('hangs up when a keyboard-interactive prompt goes unanswered, rather than send an empty answer', () => {
    const { steps, state } = drive(full, [{ kind: 'prompt-cancelled' }]);
    expect(steps).toEqual([{ kind: 'hang-up' }]);
    expect(state.failure).toBe('cancelled');
  });

  it('offers "none" once only, when the server never says what it takes', () => {
    const bare = startLogin({ agent: false, identity: null, canAsk: true, canRemember: true });
    expect(drive(bare, [START, next(null)]).steps).toEqual([offer('none'), GIVE_UP]);
  });

  it('remembers nothing but asks, without a SecretStore', () => {
    const noStore = startLogin({ agent: false, identity: null, canAsk: true, canRemember: false });
    expect(drive(noStore, [START, next(['password'])]).steps).toEqual([offer('none'), { kind: 'ask-password' }]);
  });
});
