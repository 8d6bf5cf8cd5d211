// Keys of the fleet: one client key that logs in everywhere, and one ed25519 host key per host.
// Existing keys are kept, so known_hosts and fleet.yaml stay valid across `up`s.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';

/** Creates an unencrypted ed25519 key pair at path (+ .pub) unless one is already there. */
export async function ensureKey(sshKeygen: string, path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return;
  await new Promise<void>((resolve, reject) => {
    execFile(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], (err, _stdout, stderr) => {
      if (err) reject(new Error(`ssh-keygen for ${path} failed: ${stderr || err.message}`));
      else resolve();
    });
  });
  // ssh-keygen already writes 0600; make it explicit since sshd and ssh refuse looser private keys.
  chmodSync(path, 0o600);
}

/** "ssh-ed25519 AAAA…" without the comment. */
export function publicKey(pubFile: string): string {
  const [type, blob] = readFileSync(pubFile, 'utf8').trim().split(/\s+/);
  if (!type || !blob) throw new Error(`${pubFile} is not an OpenSSH public key`);
  return `${type} ${blob}`;
}

/** known_hosts names a non-22 port as [address]:port. */
export function knownHostsLine(address: string, port: number, pubFile: string): string {
  return `[${address}]:${port} ${publicKey(pubFile)}`;
}
