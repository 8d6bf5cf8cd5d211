import type { Disposable } from '../../shared/disposable';
import type { CoreLink } from '../state/bind';
import { retryLogin } from '../state/sshActions';

// A shell's stream to the core, without the screen: opening 'terminal.open', writing its output
// to a screen and acknowledging it once the screen has written it (which is what lets the core
// pause the SSH channel when the screen cannot keep up), sending input and resizes, and starting
// again after the shell ended. No DOM: the xterm.js part is TerminalSession.

/** Where output goes: xterm.js in the page, a fake in tests. */
export interface ShellScreen {
  readonly cols: number;
  readonly rows: number;
  /** `written` runs once the data is on the screen. */
  write(data: Uint8Array | string, written?: () => void): void;
}

/** What the stream reports to its owner (the store). Never the bytes. */
export interface ShellStreamEvents {
  opened(recording: string | null): void;
  ended(reason: string, loginRefused: boolean): void;
}

export type ShellLink = Pick<CoreLink, 'call' | 'subscribe'>;

/** Acknowledgements are gathered for a few milliseconds: one message instead of one per chunk. */
export const ACK_DELAY_MS = 8;

export class ShellStream implements Disposable {
  private session: string | null = null;
  private subscription: ReturnType<ShellLink['subscribe']> | null = null;
  private unsentAck = 0;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  /** Keys typed before the shell is up, sent once it is. */
  private early = '';
  private disposed = false;

  constructor(
    private readonly link: ShellLink,
    private readonly params: { host: string; record: boolean },
    private readonly screen: ShellScreen,
    private readonly events: ShellStreamEvents,
  ) {
    this.open();
  }

  /** Typed input (or pasted text) for the shell. */
  input(data: string): void {
    if (this.session) void this.link.call('terminal.input', { session: this.session, data }).catch(() => undefined);
    else if (!this.disposed) this.early += data;
  }

  resize(cols: number, rows: number): void {
    if (this.session) void this.link.call('terminal.resize', { session: this.session, cols, rows }).catch(() => undefined);
  }

  /** A new shell on the same screen, after the pool forgot why the host failed (a refused login
   * until the user retries, an unreachable host for a backoff), so that this connects, and asks,
   * again. */
  async reconnect(): Promise<void> {
    await retryLogin(this.link, this.params.host);
    if (this.disposed) return;
    this.close();
    this.open();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.close();
  }

  private open(): void {
    const { host, record } = this.params;
    const cols = Math.max(2, this.screen.cols);
    const rows = Math.max(1, this.screen.rows);
    const subscription = this.link.subscribe('terminal.open', { host, cols, rows, record }, {
      onEvent: (event) => {
        // A stream since closed (reconnected, disposed) has nothing more to say.
        if (this.subscription !== subscription) return;
        if (event.kind === 'opened') {
          this.session = event.session;
          this.events.opened(event.recording);
          if (this.early) this.input(this.early);
          this.early = '';
          // The screen may have been fitted since the stream opened.
          if (this.screen.cols !== cols || this.screen.rows !== rows) this.resize(this.screen.cols, this.screen.rows);
        } else if (event.kind === 'output') {
          const weight = event.data.byteLength;
          // The latest output's arrival, for the terminal benchmark's echo figure (one mark kept).
          performance.clearMarks('fleetdeck:terminal-output');
          performance.mark('fleetdeck:terminal-output');
          this.screen.write(event.data, () => this.ack(subscription, weight));
        } else {
          this.screen.write(`\r\n\x1b[${event.error ? '31' : '90'}m${event.reason}\x1b[0m\r\n`);
          this.events.ended(event.reason, event.loginRefused);
        }
      },
      onEnd: (error) => {
        if (!error || this.subscription !== subscription) return;
        this.screen.write(`\r\n\x1b[31m${error.message}\x1b[0m\r\n`);
        this.events.ended(error.message, false);
      },
    });
    this.subscription = subscription;
  }

  /** Ends the stream (the core closes the shell) and drops what belonged to it. */
  private close(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.unsentAck = 0;
    this.session = null;
    this.early = '';
    const subscription = this.subscription;
    this.subscription = null;
    subscription?.close();
  }

  private ack(subscription: ReturnType<ShellLink['subscribe']>, weight: number): void {
    // Output of a stream since closed is acknowledged to no one.
    if (subscription !== this.subscription) return;
    this.unsentAck += weight;
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = null;
      subscription.ack(this.unsentAck);
      this.unsentAck = 0;
    }, ACK_DELAY_MS);
  }
}
