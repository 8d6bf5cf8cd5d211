import type { AuthFailure } from './errors';

// The order in which a login tries its methods, as a pure state machine: the agent's keys, the
// identity file, then (once the server said which methods it takes) a remembered password, a
// password the user types, keyboard-interactive prompts. nextLoginStep() decides; the Login
// (login.ts) does what a step says (offers the method to ssh2, looks up or forgets a remembered
// password, asks the user) and feeds the outcome back as the next event. No secret is ever in the
// state: it holds what was tried, for the error message, and why the login failed.

export interface LoginState {
  /** An agent socket to offer first. */
  readonly agent: boolean;
  /** The identity file to offer after the agent (null: none, or it could not be read). */
  readonly identity: string | null;
  /** Someone to ask for a password or a keyboard-interactive answer. */
  readonly canAsk: boolean;
  /** A SecretStore that may hold a remembered password. */
  readonly canRemember: boolean;
  /** What was offered, for the error message, e.g. ["agent", "publickey ~/.ssh/id", "password"]. */
  readonly tried: readonly string[];
  readonly keysOffered: number;
  readonly askedNone: boolean;
  readonly failure: AuthFailure;
  /** What the server said with its last refusal (kept while a lookup or a question is answered). */
  readonly methodsLeft: readonly string[] | null;
  readonly partial: boolean;
}

export type LoginEvent =
  /** ssh2 wants the next method: at the start (nulls), or after the server refused the last one. */
  | { kind: 'next'; methodsLeft: readonly string[] | null; partial: boolean | null }
  /** The outcome of a 'look-up-password' step. */
  | { kind: 'remembered'; found: boolean }
  /** The outcome of a 'forget-password' step. */
  | { kind: 'forgotten' }
  /** The outcome of an 'ask-password' step: false when the user gave none. */
  | { kind: 'answered'; given: boolean }
  /** The user gave no answer to a keyboard-interactive prompt. */
  | { kind: 'prompt-cancelled' };

export type LoginMethod = 'agent' | 'publickey' | 'none' | 'password' | 'keyboard-interactive';

export type LoginStep =
  /** Offer this method to the server ('password': the one just looked up or answered). */
  | { kind: 'offer'; method: LoginMethod }
  | { kind: 'look-up-password' }
  /** The remembered password was refused: forget it. */
  | { kind: 'forget-password' }
  | { kind: 'ask-password' }
  /** Nothing left to offer: the login failed (state.failure says why). */
  | { kind: 'give-up' }
  /** Hang up rather than send an empty answer (which counts as a failed login on the host). */
  | { kind: 'hang-up' };

export interface LoginTransition {
  state: LoginState;
  step: LoginStep;
}

export const REMEMBERED_PASSWORD = 'password (remembered)';

export function startLogin(options: { agent: boolean; identity: string | null; canAsk: boolean; canRemember: boolean }): LoginState {
  return { ...options, tried: [], keysOffered: 0, askedNone: false, failure: 'refused', methodsLeft: null, partial: false };
}

export function nextLoginStep(state: LoginState, event: LoginEvent): LoginTransition {
  switch (event.kind) {
    case 'next':
      return afterRefusal({ ...state, methodsLeft: event.methodsLeft, partial: event.partial === true });
    case 'remembered':
      return event.found ? offer({ ...state, tried: [...state.tried, REMEMBERED_PASSWORD] }, 'password') : askPassword(state);
    case 'forgotten':
      return state.methodsLeft?.includes('password') ? askPassword(state) : { state, step: { kind: 'give-up' } };
    case 'answered':
      return event.given ? offer(state, 'password') : { state: { ...state, failure: 'cancelled' }, step: { kind: 'give-up' } };
    case 'prompt-cancelled':
      return { state: { ...state, failure: 'cancelled' }, step: { kind: 'hang-up' } };
  }
}

/** The next method to offer, after the server refused the last one (or at the start). */
function afterRefusal(state: LoginState): LoginTransition {
  const keys: LoginMethod[] = [...(state.agent ? ['agent' as const] : []), ...(state.identity !== null ? ['publickey' as const] : [])];
  const key = keys[state.keysOffered];
  if (key) {
    const label = key === 'agent' ? 'agent' : `publickey ${state.identity}`;
    return offer({ ...state, tried: [...state.tried, label], keysOffered: state.keysOffered + 1 }, key);
  }
  const giveUp = (failure: AuthFailure = state.failure): LoginTransition => ({ state: { ...state, failure }, step: { kind: 'give-up' } });
  if (!state.canAsk && !state.canRemember) return giveUp();
  const last = state.tried[state.tried.length - 1];
  // The remembered password no longer works (changed on the host): forget it, then ask the user.
  if (last === REMEMBERED_PASSWORD && !state.partial) return { state, step: { kind: 'forget-password' } };
  // A password the server refused is not asked for again by the other method in the same
  // attempt (PAM checks the same password for both): one wrong answer, one question. Only a
  // partial success (a server that wants password *and* keyboard-interactive) goes on.
  if ((last === 'password' || last === 'keyboard-interactive') && !state.partial) return giveUp('password');
  // Learn which methods the server takes before asking a person for anything: without it the
  // first question would be for a password even where only keyboard-interactive (or nothing we
  // can ask for) is offered. ssh(1) starts with "none" too.
  const methods = state.methodsLeft;
  if (!methods) return state.askedNone ? giveUp() : offer({ ...state, askedNone: true }, 'none');
  if (methods.includes('password') && !state.tried.includes('password') && !state.tried.includes(REMEMBERED_PASSWORD)) {
    return state.canRemember ? { state, step: { kind: 'look-up-password' } } : askPassword(state);
  }
  // keyboard-interactive (PAM, one-time codes): each prompt the server sends is asked in turn.
  if (state.canAsk && methods.includes('keyboard-interactive') && !state.tried.includes('keyboard-interactive')) {
    return offer({ ...state, tried: [...state.tried, 'keyboard-interactive'] }, 'keyboard-interactive');
  }
  return giveUp();
}

function askPassword(state: LoginState): LoginTransition {
  if (!state.canAsk) return { state, step: { kind: 'give-up' } };
  return { state: { ...state, tried: [...state.tried, 'password'] }, step: { kind: 'ask-password' } };
}

function offer(state: LoginState, method: LoginMethod): LoginTransition {
  return { state, step: { kind: 'offer', method } };
}
