import os from 'node:os';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { FleetProblem } from '../../../shared/fleet/model';
import { FleetFileSchema } from '../../../shared/fleet/schema';
import { keysAt } from '../../../shared/fleet/schemaKeys';
import { closestWord } from '../../../shared/text';
import { FleetResolveError, resolveFleet, type ResolvedFleet, type YamlPath } from '../../../shared/fleet/resolve';
import { readImports } from './imports';
import type { FollowedImport, RemoteTargets } from './prometheusTargets';

// Fleet file text → resolved fleet, or the first problem with its file, line and column.
// Pure but for the path handling and the files named in `imports:`, which it reads; reading and
// watching the fleet file itself live in fleetService.ts.

/** `files`: the imported files read (or looked for), which a change to should reload the fleet;
 * `urls`: the Prometheus imports, whose targets are followed the same way. */
export type ParseResult = ({ ok: true; fleet: ResolvedFleet } | { ok: false; problem: FleetProblem }) & { files: string[]; urls?: FollowedImport[] };

export interface ParseOptions {
  /** Where `~` points; default the user's home. */
  home?: string | undefined;
  /** The latest targets of each Prometheus import (undefined before its first answer). */
  remote?: ((url: string) => RemoteTargets | undefined) | undefined;
}

export function parseFleetFile(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const home = options.home ?? os.homedir();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  let files: string[] = [];
  const at = (offset: number, message: string): ParseResult => {
    const { line, col } = lines.linePos(offset);
    return { ok: false, problem: { file, line, column: col, message }, files };
  };

  const syntax = doc.errors[0];
  if (syntax) return at(syntax.pos[0], `YAML syntax: ${firstLine(syntax.message)}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml library refuses alias bombs ("billion laughs") instead of expanding them.
    return at(0, `YAML: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) {
    return at(0, 'the fleet file is empty: it needs at least `environments:` with a role and a host.');
  }

  const checked = FleetFileSchema.safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return at(offsetOf(doc, issue), describeIssue(issue));
  }

  const imports = readImports(checked.data.imports ?? [], file, home, options.remote);
  files = imports.files;
  const urls = imports.urls;
  if (imports.error) return { ok: false, problem: imports.error, files, urls };

  try {
    const fleet = resolveFleet(checked.data, { user: os.userInfo().username }, imports.hosts);
    const dir = path.dirname(file);
    for (const host of fleet.hosts) {
      host.identity = host.identity && resolvePath(host.identity, dir, home);
      host.knownHosts = host.knownHosts && resolvePath(host.knownHosts, dir, home);
    }
    fleet.notes.unshift(...imports.notes);
    return { ok: true, fleet, files, urls };
  } catch (error) {
    if (error instanceof FleetResolveError) return at(offsetAtPath(doc, error.path), error.message);
    throw error;
  }
}

/** Paths in the fleet file may start with ~ or be relative to the file's own folder. */
function resolvePath(p: string, dir: string, home: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(home, p.slice(1));
  return path.resolve(dir, p);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(FleetFileSchema, issue.path);
    const hints = issue.keys.map((k) => closestWord(k, known)).filter((k): k is string => k !== null);
    const hint = hints.length > 0 ? ` (did you mean ${hints.map((k) => `"${k}"`).join(', ')}?)` : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${hint}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}missing (required)`;
  return `${where}${issue.message}`;
}

/** Where an issue points: the misspelt key itself for unknown keys, else the node at its path. */
function offsetOf(doc: Document, issue: z.core.$ZodIssue): number {
  const node = nodeAtPath(doc, issue.path as YamlPath);
  if (issue.code === 'unrecognized_keys' && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === issue.keys[0]);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return isNode(node) && node.range ? node.range[0] : 0;
}

function offsetAtPath(doc: Document, p: YamlPath): number {
  const node = nodeAtPath(doc, p);
  return isNode(node) && node.range ? node.range[0] : 0;
}

/** The deepest node along the path that exists (a missing key points at its parent). A role is
 * written either as a list of hosts or as a map with `hosts:`, so the path may name `hosts` where
 * the file has a list, or omit it where the file has a map: both are followed. */
function nodeAtPath(doc: Document, p: YamlPath): unknown {
  let node: unknown = doc.contents;
  for (const key of p) {
    if (key === 'hosts' && isSeq(node)) continue;
    if (typeof key === 'number' && isMap(node) && node.has('hosts')) node = node.get('hosts', true);
    const next: unknown = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
    if (!isNode(next)) break;
    node = next;
  }
  return node;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
