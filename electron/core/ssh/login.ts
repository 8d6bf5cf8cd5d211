import type { AnyAuthMethod } from 'ssh2';
import type { Ask } from './ask';
import { AuthError, describeHost, type HostRef } from './errors';
import { nextLoginStep, startLogin, type LoginEvent, type LoginMethod, type LoginState } from './loginSteps';
import type { SecretFor, SecretStore } from './secrets';

// One login, driven by ssh2's authHandler: loginSteps.ts decides which method comes next; this
// class does what each step needs (builds the method for ssh2, looks up, forgets and remembers a
// password in the SecretStore, asks the user) and keeps the secrets out of the state machine.

export interface LoginOptions {
  ref: HostRef;
  user: string;
  /** The identity file's path (for the messages) and its contents, unlocked with `passphrase`. */
  identity: string | null;
  privateKey?: Buffer;
  passphrase?: string;
  /** The agent's socket, if one is to be offered. */
  agent?: string;
  ask?: Ask;
  secrets: SecretStore | null;
  /** This is a jump host's login, on the way to that host (the questions say so). */
  hopTo?: string;
  /** Ends the connection: the user cancelled a keyboard-interactive prompt. */
  hangUp: () => void;
}

/** ssh2 takes false for "no more methods", though its types do not say so. */
type NextMethod = (method: AnyAuthMethod | false) => void;

export class Login {
  private state: LoginState;
  /** The password to offer next: the remembered one, or the user's answer. */
  private password: string | null = null;
  /** A password typed with "Remember" ticked: stored once the server took it. */
  private rememberPassword: string | null = null;
  private readonly passwordTarget: SecretFor;

  constructor(private readonly options: LoginOptions) {
    const { ref, user, identity, privateKey, agent, ask, secrets } = options;
    this.passwordTarget = { kind: 'password', user, address: ref.address, port: ref.port };
    this.state = startLogin({ agent: Boolean(agent), identity: privateKey ? identity : null, canAsk: Boolean(ask), canRemember: secrets !== null });
  }

  /** ssh2's authHandler: called at the start and after each refused method. */
  readonly authHandler = (methodsLeft: string[] | null, partial: boolean | null, next: NextMethod): void => {
    void this.run({ kind: 'next', methodsLeft, partial }).then(
      (method) => next(method),
      () => next(false),
    );
  };

  /** What a question adds when this is a jump host's login. */
  private get hop(): { hopTo?: string } {
    return this.options.hopTo ? { hopTo: this.options.hopTo } : {};
  }

  /** Why the login failed, once the server or the user ended it. */
  error(): AuthError {
    return new AuthError(this.options.ref, this.options.user, this.state.tried, this.state.failure);
  }

  get cancelled(): boolean {
    return this.state.failure === 'cancelled';
  }

  /** The server took the login: remember the password if the user asked to. */
  succeeded(): void {
    const { secrets, user, ref } = this.options;
    if (this.rememberPassword !== null && secrets) {
      // Only a password the server took is remembered. The message names the login, never the secret.
      secrets.set(this.passwordTarget, this.rememberPassword).catch(() => console.warn(`Fleetdeck: could not remember the password for ${user}@${describeHost(ref)}.`));
      this.rememberPassword = null;
    }
  }

  /** Steps until one gives ssh2 a method to offer, or gives up (false). */
  private async run(first: LoginEvent): Promise<AnyAuthMethod | false> {
    const { secrets, ask, ref, user } = this.options;
    let event = first;
    for (;;) {
      const { state, step } = nextLoginStep(this.state, event);
      this.state = state;
      switch (step.kind) {
        case 'offer':
          return this.method(step.method);
        case 'look-up-password':
          this.password = secrets ? await secrets.get(this.passwordTarget).catch(() => null) : null;
          event = { kind: 'remembered', found: this.password !== null };
          break;
        case 'forget-password':
          await secrets?.delete(this.passwordTarget).catch(() => undefined);
          event = { kind: 'forgotten' };
          break;
        case 'ask-password': {
          const answer = ask ? await ask({ kind: 'password', host: ref.name, user, remember: secrets?.keeping ?? null, ...this.hop }).catch(() => null) : null;
          this.password = answer?.value ?? null;
          if (answer) this.rememberPassword = answer.remember && secrets ? answer.value : null;
          event = { kind: 'answered', given: answer !== null };
          break;
        }
        case 'give-up':
        case 'hang-up':
          return false;
      }
    }
  }

  private method(method: LoginMethod): AnyAuthMethod {
    const { user: username, agent, privateKey, passphrase } = this.options;
    switch (method) {
      case 'agent':
        return { type: 'agent', username, agent: agent! };
      case 'publickey':
        return { type: 'publickey', username, key: privateKey!, passphrase };
      case 'none':
        return { type: 'none', username };
      case 'password':
        return { type: 'password', username, password: this.password ?? '' };
      case 'keyboard-interactive':
        return { type: 'keyboard-interactive', username, prompt: this.prompt };
    }
  }

  /** keyboard-interactive: each prompt the server sends is asked in turn. */
  private readonly prompt = (
    _name: string,
    _instructions: string,
    _lang: string,
    prompts: Array<{ prompt: string }>,
    finish: (answers: string[]) => void,
  ): void => {
    const { ask, ref, user } = this.options;
    void (async () => {
      const answers: string[] = [];
      for (const p of prompts) {
        const answer = ask ? await ask({ kind: 'password', host: ref.name, user: `${user} (${p.prompt.trim()})`, remember: null, ...this.hop }).catch(() => null) : null;
        if (answer === null) {
          // Sending '' would count as a failed login on the host (and towards a lockout): hang up instead.
          this.state = nextLoginStep(this.state, { kind: 'prompt-cancelled' }).state;
          this.options.hangUp();
          return;
        }
        answers.push(answer.value);
      }
      finish(answers);
    })();
  };
}
