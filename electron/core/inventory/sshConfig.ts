import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SSHConfig, { glob as sshGlob, LineType, type Line } from 'ssh-config';
import { checkImportedNames, type ImportedHost, type ImportProblem, type ImportResult } from '../../../shared/fleet/imported';
import { expandGlob } from './globFiles';

// ~/.ssh/config → fleet hosts. The ssh-config library parses each file; this module follows
// Include, keeps line numbers for error reports and applies ssh(1)'s rule that the first value
// obtained for a setting wins. Every Host name without a wildcard is a host; patterns (`*`, `?`,
// `!x`) are not hosts, but their settings apply to the hosts they match. Match blocks depend on
// things only known when connecting (user, exec, canonical names), so they are skipped, with a note.

export interface SshConfigOptions {
  /** The user's home: where `~` points and where ~/.ssh lives. */
  home: string;
  /** The file to read; default <home>/.ssh/config. */
  file?: string | undefined;
  environment?: string | undefined;
  role?: string | undefined;
}

export const SSH_CONFIG_ENVIRONMENT = 'ssh-config';
export const SSH_CONFIG_ROLE = 'hosts';
/** OpenSSH's own limit on nested Include. */
const MAX_INCLUDE_DEPTH = 16;
const MAX_FILE_BYTES = 1024 * 1024;

interface Setting {
  param: string;
  values: string[];
  file: string;
  line: number;
}
/** Directives that apply to hosts matching `patterns` (null: to every host; 'skip': a Match). */
interface Block {
  patterns: string[] | null | 'skip';
  settings: Setting[];
}
interface HostName {
  name: string;
  file: string;
  line: number;
}

const WANTED = new Set(['hostname', 'user', 'port', 'identityfile', 'proxyjump', 'userknownhostsfile']);

export function readSshConfig(options: SshConfigOptions): ImportResult {
  const file = options.file ?? path.join(options.home, '.ssh', 'config');
  const reader = new Reader(options.home);
  reader.readFile(file, null, [], null);
  const hosts: ImportedHost[] = [];
  const seen = new Set<string>();
  for (const name of reader.hostNames) {
    if (seen.has(name.name)) continue;
    seen.add(name.name);
    const host = reader.resolve(name, options.environment ?? SSH_CONFIG_ENVIRONMENT, options.role ?? SSH_CONFIG_ROLE);
    if (host) hosts.push(host);
  }
  return checkImportedNames({ hosts, problems: reader.problems, files: [...new Set([...reader.files, ...reader.watched])] });
}

class Reader {
  readonly blocks: Block[] = [];
  readonly hostNames: HostName[] = [];
  readonly problems: ImportProblem[] = [];
  readonly files: string[] = [];
  /** Paths to watch that are not files read: Include folders and included files not there yet. */
  readonly watched: string[] = [];
  private readonly seenProblems = new Set<string>();

  constructor(private readonly home: string) {}

  problem(severity: ImportProblem['severity'], file: string, line: number, message: string): void {
    const key = `${file}:${line}:${message}`;
    if (this.seenProblems.has(key)) return;
    this.seenProblems.add(key);
    this.problems.push({ severity, file, line, column: 0, message });
  }

  /** Reads one file; its top-level directives apply to `patterns` (the Host block that included
   * it, or null at the top), and its own Host blocks stand for themselves. */
  readFile(file: string, patterns: Block['patterns'], stack: string[], includedAt: { file: string; line: number } | null): void {
    const where = includedAt ?? { file, line: 0 };
    let text: string;
    try {
      const stat = fs.statSync(file);
      if (stat.isDirectory()) return this.problem('error', where.file, where.line, `${file} is a folder, not an ssh config file.`);
      // A pipe or a device would block the read (and the core with it).
      if (!stat.isFile()) return this.problem('error', where.file, where.line, `${file} is not a regular file; it is not read.`);
      if (stat.size > MAX_FILE_BYTES) return this.problem('error', where.file, where.line, `${file} is larger than 1 MB; it is not read.`);
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No ~/.ssh/config at all is a new user's normal state, not an error (inventoryApi says so).
      if (code === 'ENOENT' && includedAt === null) return;
      const what = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read: ${(error as Error).message}`;
      return this.problem('error', where.file, where.line, `${file} ${what}.`);
    }
    this.files.push(file);
    let parsed: SSHConfig;
    try {
      parsed = SSHConfig.parse(text);
    } catch (error) {
      return this.problem('error', file, lineOfParseError(text), `cannot parse: ${(error as Error).message}; the file is skipped.`);
    }
    let block: Block = { patterns, settings: [] };
    this.blocks.push(block);
    let line = 1;
    const visit = (entry: Line): void => {
      line += count(entry.before);
      if (entry.type === LineType.DIRECTIVE && entry.param) {
        const param = entry.param.toLowerCase();
        const values = valuesOf(entry.value);
        if (param === 'host' || param === 'match') {
          block = { patterns: param === 'host' ? values : 'skip', settings: [] };
          this.blocks.push(block);
          if (param === 'match') this.problem('note', file, line, `Match ${values.join(' ')}: Match blocks are skipped (they depend on things known only when connecting).`);
          else for (const name of values) if (!/[*?]/.test(name) && !name.startsWith('!')) this.hostNames.push({ name, file, line });
        } else if (param === 'include') {
          if (block.patterns !== 'skip') this.include(values, block.patterns, [...stack, file], { file, line });
          // Directives after the Include still belong to the block that held it.
          block = { patterns: block.patterns, settings: [] };
          this.blocks.push(block);
        } else if (param === 'proxycommand') {
          this.problem('note', file, line, 'ProxyCommand is not used by Fleetdeck; use ProxyJump for jump hosts.');
        } else if (WANTED.has(param)) {
          block.settings.push({ param, values, file, line });
        }
      }
      line += count(entry.after);
      if ('config' in entry) entry.config.forEach(visit);
    };
    parsed.forEach(visit);
  }

  private include(values: string[], patterns: Block['patterns'], stack: string[], at: { file: string; line: number }): void {
    if (stack.length >= MAX_INCLUDE_DEPTH) return this.problem('error', at.file, at.line, `Include nested more than ${MAX_INCLUDE_DEPTH} deep; not followed.`);
    for (const value of values) {
      // ssh(1): relative Include paths are in ~/.ssh (for the user's own config).
      const expanded = expandTilde(value, this.home);
      const pattern = path.isAbsolute(expanded) ? expanded : path.join(this.home, '.ssh', expanded);
      const files = expandGlob(pattern).filter((f) => fs.existsSync(f));
      // Watched besides the files read: a plain path that may appear later, or the folder whose
      // listing the glob reads (a file added to it changes the folder's mtime).
      const watch = /[*?[]/.test(pattern) ? path.dirname(pattern) : pattern;
      if (!/[*?[]/.test(watch) && !this.files.includes(watch)) this.watched.push(watch);
      if (files.length === 0) {
        this.problem('note', at.file, at.line, `Include ${value} matches no file.`);
        continue;
      }
      for (const file of files) {
        if (stack.includes(file)) {
          this.problem('error', at.file, at.line, `Include ${value} includes ${file} again (a loop); not followed.`);
          continue;
        }
        this.readFile(file, patterns, stack, at);
      }
    }
  }

  /** Block indexes by what they apply to: every host, hosts matching wildcards, or hosts named
   * outright. Naming is the common case (a block per host), and looking those up by name keeps a
   * config of thousands of hosts linear instead of matching every host against every block. */
  private index: { always: number[]; wildcard: number[]; byName: Map<string, number[]> } | null = null;

  private blocksFor(name: string): Block[] {
    if (!this.index) {
      const index = { always: [] as number[], wildcard: [] as number[], byName: new Map<string, number[]>() };
      this.blocks.forEach((block, i) => {
        if (block.patterns === 'skip') return;
        if (block.patterns === null) index.always.push(i);
        else if (block.patterns.some((p) => /[*?]/.test(p) || p.startsWith('!'))) index.wildcard.push(i);
        else for (const p of new Set(block.patterns)) index.byName.set(p, [...(index.byName.get(p) ?? []), i]);
      });
      this.index = index;
    }
    const { always, wildcard, byName } = this.index;
    const matching = wildcard.filter((i) => sshGlob(this.blocks[i]!.patterns as string[], name));
    return [...always, ...matching, ...(byName.get(name) ?? [])].sort((a, b) => a - b).map((i) => this.blocks[i]!);
  }

  /** The settings of one host: every block that applies, in file order, the first value winning. */
  resolve(host: HostName, environment: string, role: string): ImportedHost | null {
    const got = new Map<string, Setting>();
    for (const block of this.blocksFor(host.name)) {
      for (const setting of block.settings) if (!got.has(setting.param)) got.set(setting.param, setting);
    }
    const first = (param: string): Setting | undefined => got.get(param);
    const imported: ImportedHost = {
      name: host.name,
      environment,
      roles: [role],
      settings: {},
      source: { file: host.file, line: host.line },
    };
    const hostname = first('hostname');
    if (hostname) imported.address = percent(hostname.values[0] ?? '', host.name, this.home, 'h%');
    const user = first('user');
    if (user?.values[0]) imported.settings.user = user.values[0];
    const port = first('port');
    if (port) {
      const value = port.values[0] ?? '';
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
        this.problem('error', port.file, port.line, `Port ${value} is not a port number (1–65535); host ${host.name} is skipped.`);
        return null;
      }
      imported.settings.port = n;
    }
    const identity = first('identityfile');
    if (identity?.values[0] && identity.values[0].toLowerCase() !== 'none') imported.settings.identity = this.filePath(identity.values[0], host.name);
    const known = first('userknownhostsfile');
    if (known?.values[0] && known.values[0].toLowerCase() !== 'none') imported.settings.known_hosts = this.filePath(known.values[0], host.name);
    const jump = first('proxyjump');
    if (jump?.values[0] && jump.values[0].toLowerCase() !== 'none') imported.settings.jump = this.expandJump(jump.values[0]);
    return imported;
  }

  /** A ProxyJump chain as the fleet can follow it. A hop that has a Host block of its own name
   * stays as written ("bastion", "root@inner:2201"): it is imported as a host too, and the pool
   * logs in to it as to that host, with its HostName, User, Port, IdentityFile and
   * UserKnownHostsFile, as ssh does. A hop that only patterns match is written out with what they
   * give ("bastion.example.com" → "ops@10.0.0.1:2222"), since no host of its name is imported; it
   * logs in with the target's key. A hop's own ProxyJump is not followed. */
  private expandJump(chain: string): string {
    const literal = new Set(this.hostNames.map((h) => h.name));
    return chain
      .split(',')
      .map((hop) => {
        const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim());
        if (!m) return hop.trim();
        const [, user, host = '', port] = m;
        if (literal.has(host)) return `${user ? `${user}@` : ''}${host}${port ? `:${port}` : ''}`;
        const got = new Map<string, Setting>();
        for (const block of this.blocksFor(host)) for (const setting of block.settings) if (!got.has(setting.param)) got.set(setting.param, setting);
        const address = got.get('hostname')?.values[0];
        const finalUser = user ?? got.get('user')?.values[0];
        const finalPort = port ?? got.get('port')?.values[0];
        const plain = address ? percent(address, host, this.home, 'h%') : host;
        const name = plain.includes(':') && !plain.startsWith('[') ? `[${plain}]` : plain; // IPv6
        return `${finalUser ? `${finalUser}@` : ''}${name}${finalPort && finalPort !== '22' ? `:${finalPort}` : ''}`;
      })
      .join(',');
  }

  private filePath(value: string, hostName: string): string {
    const p = percent(expandTilde(value, this.home), hostName, this.home, 'hndu%');
    return path.isAbsolute(p) ? p : path.join(this.home, p);
  }
}

function valuesOf(value: string | { val: string }[]): string[] {
  return Array.isArray(value) ? value.map((v) => v.val) : [value];
}

function count(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\n') n++;
  return n;
}

/** The library's parse errors carry no position: parse line by line to find the culprit. */
function lineOfParseError(text: string): number {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    try {
      SSHConfig.parse(lines[i] ?? '');
    } catch {
      return i + 1;
    }
  }
  return 0;
}

export function expandTilde(p: string, home: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(home, p.slice(1));
  return p;
}

/** The % tokens of ssh_config(5) that make sense without a connection (HostName takes only %h
 * and %%; file paths also %n, %d, %u); others are left as written. */
function percent(value: string, hostName: string, home: string, tokens: string): string {
  return value.replace(/%(.)/g, (m, t: string) => {
    if (!tokens.includes(t)) return m;
    if (t === 'h' || t === 'n') return hostName;
    if (t === 'd') return home;
    if (t === 'u') return os.userInfo().username;
    return '%';
  });
}
