import { isSpace, textAt } from './chars';
import { ParseError } from '../../common/parseError';

// A small XML reader for status pages (Monit's): elements, attributes, text, comments, CDATA and
// the five predefined entities plus character references, and nothing else. A DOCTYPE is refused,
// so no entity is ever defined, let alone expanded. It builds the same plain tree fast-xml-parser
// did (attributes as "@_name", text-only elements as strings, repeated elements as arrays), in a
// tenth of its time: Monit's XML is most of the CPU of polling a thousand hosts.

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

interface Open {
  name: string;
  /** Made at its first attribute or child: most elements hold only text and never need one. */
  node: XmlNode | null;
  text: string;
}

const ATTRIBUTE = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

const NOTHING: ReadonlySet<string> = new Set();

/** Parses `text` into a tree; `arrays` names the elements that are always lists, and `skip` those
 * left out with all they contain (read no further than to find their end, so nothing inside them
 * is checked; none of them may contain an element of its own name). */
export function parseXmlTree(text: string, arrays: ReadonlySet<string>, skip: ReadonlySet<string> = NOTHING): XmlNode {
  const root: Open = { name: '', node: {}, text: '' };
  const stack: Open[] = [root];
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      if (stack.length > 1) throw new ParseError(`broken XML: <${top.name}> is never closed`);
      return root.node!;
    }
    // The layout between tags is most of a status page's text: a run of white space before any
    // text is dropped at once (close() trims it anyway), instead of being joined and trimmed.
    if (lt > i && stack.length > 1 && (top.text !== '' || !isSpace(text, i, lt))) top.text += text.slice(i, lt);
    const next = text.charCodeAt(lt + 1);
    if (next === 0x3f /* ? */) {
      i = skipPast(text, '?>', lt);
    } else if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) i = skipPast(text, '-->', lt);
      else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt);
        if (end < 0) throw new ParseError('broken XML: a CDATA section is never closed');
        top.text += text.slice(lt + 9, end);
        i = end + 3;
      } else throw new ParseError('the XML declares a DOCTYPE or entities; Fleetdeck does not expand them');
    } else if (next === 0x2f /* / */) {
      const gt = text.indexOf('>', lt);
      if (gt < 0) throw new ParseError('broken XML: it ends inside a closing tag');
      // Compared in place: cutting out the name of every closing tag cost a string each.
      if (stack.length === 1 || !(textAt(text, lt + 2, top.name) && isSpace(text, lt + 2 + top.name.length, gt))) {
        throw new ParseError(`broken XML: </${text.slice(lt + 2, gt).trim()}> closes <${top.name || 'nothing'}>`);
      }
      stack.pop();
      close(top, stack[stack.length - 1]!, arrays);
      i = gt + 1;
    } else {
      let nameEnd = lt + 1;
      for (let c = text.charCodeAt(nameEnd); c > 0x20 && c !== 0x2f /* / */ && c !== 0x3e /* > */; c = text.charCodeAt(++nameEnd));
      if (nameEnd >= text.length) throw new ParseError('broken XML: it ends inside a tag');
      const open: Open = { name: nameAt(text, lt + 1, nameEnd), node: null, text: '' };
      let at = nameEnd;
      if (text.charCodeAt(at) <= 0x20) {
        for (;;) {
          ATTRIBUTE.lastIndex = at;
          const m = ATTRIBUTE.exec(text);
          if (!m) break;
          (open.node ??= {})[`@_${m[1]}`] = decode(m[2] ?? m[3] ?? '');
          at = ATTRIBUTE.lastIndex;
        }
        while (at < text.length && text.charCodeAt(at) <= 0x20) at++;
      }
      if (text.charCodeAt(at) === 0x3e /* > */) {
        if (skip.has(open.name)) i = skipElement(text, open.name, at + 1);
        else {
          stack.push(open);
          i = at + 1;
        }
      } else if (text.startsWith('/>', at)) {
        if (!skip.has(open.name)) close(open, top, arrays);
        i = at + 2;
      } else {
        throw new ParseError(`broken XML: unexpected text in the <${open.name}> tag`);
      }
    }
  }
}

/** Element names seen before, by first character and length. The same few dozen names come in
 * every answer; a name cut out afresh each time had to be hashed and internalized again for every
 * property and set it was looked up in, which was a third of the parse. */
const knownNames = new Map<number, string[]>();
let knownCount = 0;

function nameAt(text: string, from: number, to: number): string {
  const length = to - from;
  const key = text.charCodeAt(from) * 1024 + Math.min(length, 1023);
  const known = knownNames.get(key);
  if (known) for (const name of known) if (name.length === length && textAt(text, from, name)) return name;
  const name = text.slice(from, to);
  // Bounded: a hostile answer with endless new or huge names does not grow the cache.
  if (knownCount >= 2048 || length > 64) return name;
  // Object.keys gives the internalized copy: what property lookups compare by identity.
  const internal = Object.keys({ [name]: 0 })[0]!;
  knownNames.set(key, [...(known ?? []), internal]);
  knownCount++;
  return internal;
}

/** Just past the end tag of the element `name` whose content starts at `from`. */
function skipElement(text: string, name: string, from: number): number {
  for (let at = text.indexOf('</', from); at >= 0; at = text.indexOf('</', at + 2)) {
    if (!textAt(text, at + 2, name)) continue;
    let end = at + 2 + name.length;
    while (end < text.length && text.charCodeAt(end) <= 0x20) end++;
    if (text.charCodeAt(end) === 0x3e /* > */) return end + 1;
  }
  throw new ParseError(`broken XML: <${name}> is never closed`);
}

function skipPast(text: string, marker: string, from: number): number {
  const end = text.indexOf(marker, from);
  if (end < 0) throw new ParseError(`broken XML: "${marker}" is missing`);
  return end + marker.length;
}

/** Hangs a finished element on its parent: a string if it holds only text. */
function close(element: Open, parent: Open, arrays: ReadonlySet<string>): void {
  const text = element.text.trim();
  let value: XmlValue;
  if (element.node === null) value = decode(text);
  else {
    if (text) element.node['#text'] = decode(text);
    value = element.node;
  }
  const siblings = (parent.node ??= {});
  const existing = siblings[element.name];
  if (arrays.has(element.name)) {
    if (Array.isArray(existing)) existing.push(value);
    else siblings[element.name] = [value];
  } else if (existing === undefined) siblings[element.name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else siblings[element.name] = [existing, value];
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The predefined entities and character references; any other "&name;" stays as written. */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}
