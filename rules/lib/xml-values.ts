/**
 * The value XML gives a named setting, for rules that find the name first (the credential-name
 * rules widen a keyword hit to `DbPassword`, `hockeyapp_key`) and then read what follows it:
 * - the element's own content: `<password>value</password>`, also with the value indented on a line
 *   of its own (Maven `settings.xml`, Spring and Hibernate XML, `.pubxml`);
 * - a `value` attribute after a `key`/`name` attribute: `<add key="ApiSecret" value="…"/>`
 *   (.NET `appSettings`), `<property name="password" value="…"/>`;
 * - the content of the element a `name` attribute names: `<string name="maps_api_key">…</string>`
 *   (Android string resources), `<entry key="token">…</entry>` (Java XML properties).
 */

export interface XmlValue {
  readonly value: string;
  /** Offset of the value's first character in the text. */
  readonly start: number;
}

/**
 * From the end of an element's name: its content, then its closing tag. The content may sit on a
 * line of its own between the tags, as formatters indent it; it is one line once trimmed.
 */
const ELEMENT_CONTENT = /[ \t]*>([^<]{1,300})<\/([\w.:-]{1,80})[ \t]*>/y;
/** From the closing quote of a naming attribute: the `value` attribute right after it. */
const VALUE_ATTRIBUTE = /(["'])[ \t]+value[ \t]*=[ \t]*(["'])([^"'\r\n]{1,300})\2/y;
/**
 * From the closing quote of a naming attribute: other attributes, the end of the start tag, the
 * content, and the closing tag (group 4). Every repetition starts with a space and a name, which
 * the tag's end (`>`) cannot, so it is linear.
 */
const NAMED_CONTENT = /(["'])(?:[ \t]+[\w.:-]{1,40}[ \t]*=[ \t]*(["'])[^"'\r\n<>]{0,100}\2){0,8}[ \t]*>([^<\r\n]{1,300})<\/([\w.:-]{1,80})[ \t]*>/y;
/** Just before a name in quotes: the attribute that names a setting. */
const NAMING_ATTRIBUTE = /(?:^|[ \t])(?:key|name)[ \t]*=[ \t]*$/;
/** Just before a naming attribute: the start tag's name. */
const START_TAG = /<([\w.:-]{1,80})[ \t][^<>\r\n]*$/;
/** How far back the naming attribute and the start tag are looked for. */
const ATTRIBUTE_REACH = 16;
const TAG_REACH = 200;

/** The value XML gives the name at `[start, end)`, or undefined when the name is not an XML setting's. */
export function xmlValueAfterName(text: string, start: number, end: number): XmlValue | undefined {
  const before = start > 0 ? text[start - 1] : undefined;
  if (before === '<') {
    ELEMENT_CONTENT.lastIndex = end;
    const element = ELEMENT_CONTENT.exec(text);
    if (!element || element[2]!.toLowerCase() !== text.slice(start, end).toLowerCase()) return undefined;
    const value = trimmed(element[1]!, end + element[0].indexOf('>') + 1);
    // Several lines of content are a document or a key block, not a setting's value.
    return value && !/[\r\n]/.test(value.value) ? value : undefined;
  }
  if ((before !== '"' && before !== "'") || text[end] !== before) return undefined;
  const attributeStart = start - 1;
  if (!NAMING_ATTRIBUTE.test(text.slice(Math.max(0, attributeStart - ATTRIBUTE_REACH), attributeStart))) return undefined;
  VALUE_ATTRIBUTE.lastIndex = end;
  const attribute = VALUE_ATTRIBUTE.exec(text);
  if (attribute) return { value: attribute[3]!, start: end + attribute[0].length - 1 - attribute[3]!.length };
  NAMED_CONTENT.lastIndex = end;
  const content = NAMED_CONTENT.exec(text);
  if (!content) return undefined;
  // The content is the named setting's only inside the element that carries the name.
  const tag = START_TAG.exec(text.slice(Math.max(0, attributeStart - TAG_REACH), attributeStart));
  if (!tag || tag[1]!.toLowerCase() !== content[4]!.toLowerCase()) return undefined;
  // The content holds no `<`, so the last `</` opens the closing tag.
  return trimmed(content[3]!, end + content[0].lastIndexOf('</') - content[3]!.length);
}

/** Element content without the spaces around it. */
function trimmed(content: string, contentStart: number): XmlValue | undefined {
  const value = content.trim();
  return value ? { value, start: contentStart + content.indexOf(value) } : undefined;
}
