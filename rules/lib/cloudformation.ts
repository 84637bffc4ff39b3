/**
 * Reading CloudFormation templates (YAML with short-form intrinsic tags, or JSON, both through the
 * `yaml` package): the resources of a template, whether a property holds a literal or an intrinsic
 * function, and where a resource attribute (`Fn::GetAtt`, `${X.Attr}` in `Fn::Sub`) is used.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import { mapEntries, nodeSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { Span } from '../../server/src/engine/types';

export interface CfnResource {
  readonly logicalId: string;
  /** The logical-id key: where a finding about the whole resource goes. */
  readonly keyNode: Node;
  readonly type: string;
  readonly body: Node;
  readonly properties: Node | null | undefined;
  readonly metadata: Node | null | undefined;
}

/** The `Resources` of a template: every entry with a scalar `Type`. */
export function cfnResources(root: unknown): CfnResource[] {
  const found: CfnResource[] = [];
  for (const { key: logicalId, pair } of mapEntries(valueOf(root, 'Resources'))) {
    const body = pair.value;
    if (!isMap(body) || !pair.key) continue;
    const type = scalarString(valueOf(body, 'Type'));
    if (type === undefined) continue;
    found.push({ logicalId, keyNode: pair.key, type, body, properties: valueOf(body, 'Properties'), metadata: valueOf(body, 'Metadata') });
  }
  return found;
}

/** The names a template gives things: its parameters and its resources' logical ids. */
export function cfnDeclaredNames(root: unknown): Set<string> {
  const names = new Set<string>();
  for (const section of ['Parameters', 'Resources', 'Mappings', 'Conditions']) {
    for (const { key } of mapEntries(valueOf(root, section))) names.add(key);
  }
  return names;
}

/** A node at a path of map keys, or undefined. */
export function cfnPath(node: unknown, ...keys: readonly string[]): Node | null | undefined {
  let current: unknown = node;
  for (const key of keys) {
    if (!isMap(current)) return undefined;
    current = valueOf(current, key);
  }
  return current as Node | null | undefined;
}

const STRING_TAGS = new Set(['tag:yaml.org,2002:str', '!!str', '!']);

export interface CfnLiteral {
  readonly value: string;
  /** The value without its quotes. */
  readonly span: Span;
}

/**
 * The literal string a property is set to, or undefined when the template computes it: an
 * intrinsic function (`!Ref`, `!GetAtt`, `{"Ref": ...}`, `Fn::*`), a `!Sub` that substitutes
 * anything, or a dynamic reference (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`),
 * which the YAML reader sees blanked, so the source text is read.
 */
export function cfnLiteral(text: string, node: unknown): CfnLiteral | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const tag = (node as Scalar).tag;
  if (tag !== undefined && !STRING_TAGS.has(tag) && !(tag === '!Sub' && !node.value.includes('${'))) return undefined;
  const span = unquotedSpan(text, node);
  if (!span) return undefined;
  const source = text.slice(span[0], span[1]);
  if (source.includes('{{resolve:')) return undefined;
  const value = node.value;
  if (value.trim().length === 0) return undefined;
  return { value, span };
}

/** The span of a scalar's text without its quotes and trailing space. */
function unquotedSpan(text: string, node: Node): Span | undefined {
  const span = nodeSpan(node);
  if (!span) return undefined;
  let [start, end] = span;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end - start >= 2 && (text[start] === '"' || text[start] === "'") && text[end - 1] === text[start]) {
    start++;
    end--;
  }
  return [start, end];
}

/**
 * Whether `node` (at any depth, within a budget) reads attribute `attribute` of resource
 * `logicalId`: `!GetAtt Key.Attr`, `!GetAtt [Key, Attr]`, `{"Fn::GetAtt": ["Key", "Attr"]}`,
 * `Fn::GetAtt: Key.Attr`, or `${Key.Attr}` inside a `!Sub` / `Fn::Sub` string.
 */
export function readsAttribute(node: unknown, logicalId: string, attribute: string): boolean {
  const dotted = `${logicalId}.${attribute}`;
  const substituted = '${' + dotted + '}';
  let budget = 10_000;
  const isTarget = (value: unknown): boolean => {
    if (isScalar(value)) return value.value === dotted;
    if (isSeq(value)) return value.items.length >= 2 && scalarString(value.items[0]) === logicalId && scalarString(value.items[1]) === attribute;
    return false;
  };
  const visit = (current: unknown): boolean => {
    if (--budget < 0) return false;
    if (isScalar(current)) {
      const tag = current.tag;
      if (tag === '!GetAtt') return isTarget(current);
      return typeof current.value === 'string' && current.value.includes(substituted);
    }
    if (isSeq(current)) {
      if (current.tag === '!GetAtt') return isTarget(current);
      return current.items.some(visit);
    }
    if (isMap(current)) {
      return mapEntries(current).some(({ key, pair }: { key: string; pair: Pair<Node, Node | null> }) =>
        key === 'Fn::GetAtt' ? isTarget(pair.value) : visit(pair.value),
      );
    }
    return false;
  };
  return visit(node);
}

/**
 * What a property names when it points at another resource or a parameter: `!Ref X`,
 * `{"Ref": "X"}`, `Ref: X`. Undefined for literals and other intrinsics.
 */
export function cfnRefTarget(node: unknown): string | undefined {
  if (isScalar(node) && node.tag === '!Ref' && typeof node.value === 'string') return node.value;
  if (isMap(node)) {
    const entries = mapEntries(node);
    if (entries.length === 1 && entries[0]!.key === 'Ref') return scalarString(entries[0]!.pair.value);
  }
  return undefined;
}

/** `X.Attr` for `!GetAtt X.Attr`, `!GetAtt [X, Attr]` and `Fn::GetAtt` in either form. */
export function cfnGetAttTarget(node: Node): string | undefined {
  const dotted = (value: unknown): string | undefined => {
    if (isScalar(value) && typeof value.value === 'string') return value.value;
    if (isSeq(value) && value.items.length === 2) {
      const [id, attribute] = value.items.map(scalarString);
      return id && attribute ? `${id}.${attribute}` : undefined;
    }
    return undefined;
  };
  if ((isScalar(node) || isSeq(node)) && node.tag === '!GetAtt') return dotted(node);
  const entries = mapEntries(node);
  return entries.length === 1 && entries[0]!.key === 'Fn::GetAtt' ? dotted(entries[0]!.pair.value) : undefined;
}
