import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SshPool } from '../ssh/pool';

// Sources that are not git: a local folder (packed once per deploy with the system's tar, .git
// left out) or a tarball, uploaded over SFTP to each host's <deploy_to>/.fleetdeck/ and unpacked
// there by the prepare step. The revision recorded (REVISION, revisions.log) is the tarball's
// SHA-256, so two deploys of the same files show the same revision.

export interface PackedSource {
  /** The local .tar.gz to upload. */
  file: string;
  /** Hex SHA-256 of the tarball, cut to 40 characters like a git revision. */
  revision: string;
  /** What revisions.log names as the branch: "dir" or "tarball". */
  label: string;
  dispose(): void;
}

export async function packSource(source: { dir: string } | { tarball: string }, baseDir: string): Promise<PackedSource> {
  if ('tarball' in source) {
    const file = resolve(baseDir, source.tarball);
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`the tarball ${file} does not exist`);
    return { file, revision: await sha256(file), label: 'tarball', dispose: () => undefined };
  }
  const dir = resolve(baseDir, source.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`the source folder ${dir} does not exist`);
  const work = mkdtempSync(join(tmpdir(), 'fleetdeck-pack-'));
  const file = join(work, 'source.tar.gz');
  try {
    await new Promise<void>((done, fail) =>
      execFile('tar', ['-czf', file, '--exclude=.git', '-C', dir, '.'], (error, _out, stderr) => (error ? fail(new Error(`packing ${dir} failed: ${stderr || error.message}`)) : done())),
    );
    return { file, revision: await sha256(file), label: 'dir', dispose: () => rmSync(work, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/** Where a release's upload lands, relative to deploy_to (where the prepare step unpacks it). */
export function uploadName(release: string): string {
  return `.fleetdeck/upload-${release}.tar.gz`;
}

/** The upload's path as SFTP sees it: relative paths start in the remote user's home, like `~/`. */
export function sftpPath(deployTo: string, release: string): string {
  const base = deployTo.startsWith('~/') ? deployTo.slice(2) : deployTo;
  return `${base.replace(/\/+$/, '')}/${uploadName(release)}`;
}

export async function uploadTo(pool: SshPool, host: string, local: string, remote: string): Promise<void> {
  const { sftp, release } = await pool.sftp(host);
  try {
    await new Promise<void>((done, fail) => sftp.fastPut(local, remote, (error) => (error ? fail(new Error(`upload to ${host}:${remote} failed: ${error.message}`)) : done())));
  } finally {
    release();
  }
}

function sha256(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex').slice(0, 40)))
      .on('error', fail);
  });
}
