import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetPaths } from './layout';

// A Capistrano project (Debian's `cap`) for the sample app on test hosts: the same git source,
// the same layout (deploy_to ~/apps/shop) and the same restart command as Fleetdeck's deploys,
// so tests can check that each adopts the other's releases and the deploy benchmark can compare.
// With `fleetdeckLock`, the Capfile imports the plugin Fleetdeck ships (capistrano/fleetdeck_lock.rake)
// as a user would, and a deploy waits after deploy:updated while CAP_GATE names a file that is not
// there yet (it writes CAP_GATE.reached first), so a test can act while cap holds the lock.

/** The Capistrano plugin that makes cap honour Fleetdeck's deploy lock. */
export const FLEETDECK_LOCK_RAKE = join(import.meta.dirname, '..', '..', 'capistrano', 'fleetdeck_lock.rake');

export interface CapProject {
  dir: string;
  /** Runs `cap production <task>`; resolves with its output, rejects with it on failure. */
  cap(task: string, env?: Record<string, string>): Promise<string>;
}

export function writeCapProject(o: {
  dir: string;
  fleetDir: string;
  addresses: readonly string[];
  repo: string;
  branch: string;
  keepReleases?: number;
  fleetdeckLock?: boolean;
  /** Reach every server through this jump host, as `ssh -J` would: net-ssh's ProxyCommand
   * running `ssh -W` to it with the fleet's key and known_hosts (what its ProxyJump does, minus
   * reading ~/.ssh/config). */
  jump?: { address: string; port: number };
}): CapProject {
  const paths = fleetPaths(o.fleetDir);
  mkdirSync(join(o.dir, 'config', 'deploy'), { recursive: true });
  writeFileSync(join(o.dir, 'Capfile'), ["require 'capistrano/setup'", "require 'capistrano/deploy'", "require 'capistrano/scm/git'", 'install_plugin Capistrano::SCM::Git', ...(o.fleetdeckLock ? [`import ${JSON.stringify(FLEETDECK_LOCK_RAKE)}`] : []), ''].join('\n'));
  writeFileSync(
    join(o.dir, 'config', 'deploy.rb'),
    [
      "set :application, 'shop'",
      `set :repo_url, ${JSON.stringify(o.repo)}`,
      `set :branch, ENV.fetch('BRANCH', ${JSON.stringify(o.branch)})`,
      "set :deploy_to, '~/apps/shop'",
      // Capistrano leaves a git helper script per host and run in tmp_dir; the test hosts share one /tmp.
      `set :tmp_dir, ${JSON.stringify(join(o.dir, 'tmp'))}`,
      `set :keep_releases, ${o.keepReleases ?? 5}`,
      'set :log_level, :info',
      "set :format_options, command_output: false",
      'set :ssh_options, {',
      `  keys: [${JSON.stringify(paths.identity)}], keys_only: true, port: 2222, user: 'root',`,
      `  user_known_hosts_file: ${JSON.stringify(paths.knownHosts)}, global_known_hosts_file: '/dev/null', verify_host_key: :always,`,
      "  auth_methods: ['publickey'], use_agent: false",
      '}',
      'namespace :deploy do',
      '  task :restart_app do',
      '    on roles(:app) do',
      '      execute "cd #{current_path} && bin/restart"',
      '    end',
      '  end',
      'end',
      "after 'deploy:published', 'deploy:restart_app'",
      "after 'deploy:rollback', 'deploy:restart_app'",
      ...(o.fleetdeckLock
        ? [
            'task :gate do',
            "  if (gate = ENV['CAP_GATE'])",
            '    File.write("#{gate}.reached", "")',
            '    sleep 0.05 until File.exist?(gate)',
            '  end',
            'end',
            "after 'deploy:updated', 'gate'",
          ]
        : []),
      '',
    ].join('\n'),
  );
  const proxy = o.jump
    ? [
        'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null',
        `-o UserKnownHostsFile=${paths.knownHosts} -i ${paths.identity} -p ${o.jump.port} root@${o.jump.address} -W %h:%p`,
      ].join(' ')
    : null;
  const servers = o.addresses.map((a) => `server '${a}', roles: %w{app}${proxy ? `, ssh_options: { proxy: Net::SSH::Proxy::Command.new(${JSON.stringify(proxy)}) }` : ''}`);
  writeFileSync(join(o.dir, 'config', 'deploy', 'production.rb'), [...(proxy ? ["require 'net/ssh/proxy/command'"] : []), ...servers].join('\n') + '\n');
  return {
    dir: o.dir,
    cap: (task, env = {}) =>
      new Promise((resolve, reject) =>
        execFile('cap', ['production', ...task.split(' ')], { cwd: o.dir, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
          error ? reject(new Error(`cap production ${task} failed:\n${stdout}${stderr}`)) : resolve(stdout + stderr),
        ),
      ),
  };
}
