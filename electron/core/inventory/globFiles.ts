import fs from 'node:fs';
import path from 'node:path';

// The files an absolute path pattern names, as glob(3) gives them to ssh's Include: `*`, `?` and
// `[…]` within one path segment, sorted, files only. (Node 20 has no fs.glob.)

export function expandGlob(pattern: string): string[] {
  const root = path.parse(pattern).root;
  const segments = pattern.slice(root.length).split(path.sep).filter(Boolean);
  let paths = [root];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const dir of paths) {
      if (!/[*?[]/.test(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      const re = segmentRegExp(segment);
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        // Like glob(3): a wildcard does not match a leading dot.
        if (re.test(name) && !(name.startsWith('.') && !segment.startsWith('.'))) next.push(path.join(dir, name));
      }
    }
    paths = last ? next : next.filter((p) => isDir(p));
  }
  // A plain path that does not exist is still returned, so its reader can say so.
  if (!/[*?[]/.test(pattern)) return paths;
  return paths.filter((p) => !isDir(p));
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
