import type { ConnectConfig } from 'ssh2';
import type { Ask } from './ask';
import { HostKeyChangedError, HostKeyRevokedError, HostKeyUnknownError, type HostRef, type SshError } from './errors';
import type { HostKeyStore, HostKeyTarget } from './hostKeys';

// The host key check of one handshake: the key the host shows is judged by the HostKeyStore; a
// known key passes, a changed or revoked one is refused, an unknown one is shown to the user (by
// fingerprint) to accept, or refused when there is no one to ask. `error` says why a key was
// refused, for the handshake to report instead of ssh2's own "host verification failed".

type ServerHostKeyAlgorithms = ConnectConfig['algorithms'] extends infer A ? (A extends { serverHostKey?: infer S } ? S : never) : never;

export class HostVerification {
  /** Why the host's key was refused; null while it was not. */
  error: SshError | null = null;

  constructor(
    private readonly hostKeys: HostKeyStore,
    private readonly target: HostKeyTarget,
    private readonly ref: HostRef,
    private readonly ask: Ask | undefined,
  ) {}

  /** ssh2's `algorithms` option: ask for a key type we can check, as ssh(1) does. */
  algorithms(): Pick<ConnectConfig, 'algorithms'> {
    const known = this.hostKeys.knownKeyTypes(this.target);
    return known.length > 0 ? { algorithms: { serverHostKey: preferTypes(known) } } : {};
  }

  /** ssh2's `hostVerifier`. */
  readonly verify = (key: Buffer, verify: (ok: boolean) => void): void => {
    const { hostKeys, target, ref } = this;
    const verdict = hostKeys.verify(target, key);
    if (verdict.verdict === 'known') return verify(true);
    if (verdict.verdict === 'changed') this.error = new HostKeyChangedError(ref, verdict.fingerprint, verdict.known);
    else if (verdict.verdict === 'revoked') this.error = new HostKeyRevokedError(ref, verdict.fingerprint, verdict.known);
    else {
      const unknown = new HostKeyUnknownError(ref, verdict.keyType, verdict.fingerprint, key, verdict.known);
      if (!this.ask) {
        this.error = unknown;
        return verify(false);
      }
      void this.ask({ kind: 'host-key', host: ref.name, address: ref.address, port: ref.port, keyType: verdict.keyType, fingerprint: verdict.fingerprint }).then(
        (answer) => {
          if (answer?.value === 'accept') {
            hostKeys.accept(target, key);
            verify(true);
          } else {
            this.error = unknown;
            verify(false);
          }
        },
        () => {
          this.error = unknown;
          verify(false);
        },
      );
      return;
    }
    verify(false);
  };
}

/** ssh2's host key algorithm names for the key types known_hosts lists, those first. */
function preferTypes(types: string[]): ServerHostKeyAlgorithms {
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const wanted = types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  return [...wanted.filter((t) => all.includes(t)), ...all.filter((t) => !wanted.includes(t))] as never;
}
