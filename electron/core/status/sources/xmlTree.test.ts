import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseXmlTree } from './xmlTree';

const LISTS = new Set(['service', 'port', 'unixsocket']);
const fixtures = join(import.meta.dirname, 'fixtures');

describe('parseXmlTree', () => {
  it.each(readdirSync(fixtures).filter((f) => f.endsWith('.xml')))('builds the same tree as fast-xml-parser for %s', (file) => {
    const text = new TextDecoder('latin1').decode(readFileSync(join(fixtures, file)));
    const reference = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      processEntities: true,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      isArray: (name) => LISTS.has(name),
    }).parse(text);
    delete reference['?xml'];
    expect(parseXmlTree(text, LISTS)).toEqual(reference);
  });

  it('reads attributes, self-closing tags, comments, CDATA and character references', () => {
    const tree = parseXmlTree(`<?xml version="1.0"?><a x='1' y="&lt;2&gt;"><!-- note --><b/><c>A &amp; B &#233;&#x41;</c><d><![CDATA[<raw> & stuff]]></d><c>two</c></a>`, new Set());
    expect(tree).toEqual({ a: { '@_x': '1', '@_y': '<2>', b: '', c: ['A & B éA', 'two'], d: '<raw> & stuff' } });
  });

  it('leaves unknown entities as written and refuses a DOCTYPE', () => {
    expect(parseXmlTree('<a>&lol;</a>', new Set())).toEqual({ a: '&lol;' });
    expect(() => parseXmlTree('<!DOCTYPE a [<!ENTITY lol "lol">]><a>&lol;</a>', new Set())).toThrow(/DOCTYPE/);
  });

  it('leaves out the elements it is told to skip, with all they contain', () => {
    const skip = new Set(['server', 'pid', 'name']);
    const tree = parseXmlTree('<monit><server><name>vm</name><x>1</x></server><service><pid/><pid >2</pid ><names>kept</names><status>0</status></service></monit>', new Set(), skip);
    expect(tree).toEqual({ monit: { service: { names: 'kept', status: '0' } } });
    expect(() => parseXmlTree('<a><server><b>1</b></a>', new Set(), skip)).toThrow(/<server> is never closed/);
  });

  it('says what is broken', () => {
    expect(() => parseXmlTree('<a><b></a>', new Set())).toThrow(/<\/a> closes <b>/);
    expect(() => parseXmlTree('<a><b>text', new Set())).toThrow(/<b> is never closed/);
    expect(() => parseXmlTree('<a><b', new Set())).toThrow(/ends inside a tag/);
    expect(() => parseXmlTree('<a b="1" c></a>', new Set())).toThrow(/unexpected text in the <a> tag/);
  });
});
