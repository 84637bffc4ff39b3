/**
 * Terraform's JSON syntax (`*.tf.json`, written by CDKTF and other generators) as the native
 * syntax it stands for, so the Terraform rules, which read HCL syntax trees, read it too. The
 * translation keeps a map from each written key and value back to where it is in the JSON, and
 * findings are moved there (as a source map's embedded sources are). Quick fixes are not offered
 * on it: they would edit the translation.
 *
 * JSON does not say whether an object is a nested block or a map-valued argument; the provider
 * schema does. Here an object inside a resource, data source or provider is a nested block unless
 * its name is one that holds a map everywhere (`tags`, `labels`, a secret's `data`) or its keys
 * are not identifiers; inside `locals`, `module`, `variable` and `output` every value is an argument.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { EmbeddedSource } from '../source-map';

/** Block types and how many labels each takes (`resource "type" "name"`). */
const LABELS: Readonly<Record<string, number>> = {
  resource: 2, data: 2, ephemeral: 2, provider: 1, module: 1, variable: 1, output: 1,
  terraform: 0, locals: 0, moved: 0, import: 0, check: 0, removed: 0,
};
/** Blocks whose bodies hold arguments only: an object value there is an object expression. */
const ARGUMENTS_ONLY = new Set(['locals', 'module', 'variable', 'output']);
/** Argument names that hold a map in every provider, never a nested block. */
const MAP_ARGUMENTS = new Set([
  'tags', 'tags_all', 'labels', 'user_labels', 'resource_labels', 'annotations', 'data', 'binary_data', 'string_data',
  'triggers', 'keepers', 'variables', 'environment_variables', 'app_settings', 'parameters', 'default',
]);
const IDENTIFIER = /^[A-Za-z_][\w-]*$/;
/** JSON string escapes HCL does not have: such a string is written again from its value. */
const JSON_ONLY_ESCAPE = /\\[\/bf]/;

/** Terraform reads a `*.tf.json` file as JSON syntax. */
export function isTerraformJson(path: string): boolean {
  return path.toLowerCase().endsWith('.tf.json');
}

/** The native-syntax reading of a `*.tf.json` file's parsed root, or undefined when it is not Terraform JSON. */
export function terraformJsonAsNative(path: string, text: string, root: unknown): EmbeddedSource | undefined {
  if (!isTerraformJson(path) || !isMap(root)) return undefined;
  const writer = new NativeWriter(text);
  for (const pair of root.items as Pair<Node, Node | null>[]) {
    const type = keyOf(pair);
    if (type === undefined || LABELS[type] === undefined || !pair.value) continue;
    writer.blocks(type, LABELS[type]!, pair.value, [], pair.key!, ARGUMENTS_ONLY.has(type));
  }
  if (writer.isEmpty()) return undefined;
  return { path: path.slice(0, -'.json'.length), text: writer.text(), outerOffset: (offset) => writer.outerOffset(offset) };
}

class NativeWriter {
  private readonly parts: string[] = [];
  private length = 0;
  /** Flat quadruples: native start, native end, JSON start, JSON end; in native order. */
  private readonly segments: number[] = [];

  constructor(private readonly json: string) {}

  isEmpty(): boolean {
    return this.length === 0;
  }

  text(): string {
    return this.parts.join('');
  }

  /**
   * The JSON offset of a native offset: exact inside a key or value written character for
   * character; otherwise the start of the JSON it came from (or its end, for its end); syntax the
   * translation added maps to the end of the value before it.
   */
  outerOffset(offset: number): number {
    const segments = this.segments;
    let low = 0;
    let high = segments.length / 4 - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (segments[middle * 4]! <= offset) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found === -1) return segments[2] ?? 0;
    const [start, end, outerStart, outerEnd] = segments.slice(found * 4, found * 4 + 4) as [number, number, number, number];
    if (offset >= end) return outerEnd;
    return end - start === outerEnd - outerStart ? outerStart + offset - start : outerStart;
  }

  /** `type` blocks from `value`, reading `labelsLeft` more labels from nested object keys. */
  blocks(type: string, labelsLeft: number, value: Node, labels: readonly Node[], typeKey: Node, argumentsOnly: boolean): void {
    if (isSeq(value)) {
      for (const item of value.items as Node[]) this.blocks(type, labelsLeft, item, labels, typeKey, argumentsOnly);
      return;
    }
    if (!isMap(value)) return;
    if (labelsLeft > 0) {
      for (const pair of value.items as Pair<Node, Node | null>[]) {
        if (keyOf(pair) === undefined || !pair.value) continue;
        this.blocks(type, labelsLeft - 1, pair.value, [...labels, pair.key!], typeKey, argumentsOnly);
      }
      return;
    }
    // The block's keyword points at its innermost label, so a finding on the header lands on that key.
    this.write(type, range(labels[labels.length - 1] ?? typeKey));
    for (const label of labels) {
      this.write(' ');
      this.write(JSON.stringify(String((label as Scalar).value)), range(label));
    }
    this.write(' {\n');
    this.body(value, 1, argumentsOnly);
    this.write('}\n');
  }

  private body(map: Node, depth: number, argumentsOnly: boolean): void {
    const indent = '  '.repeat(depth);
    for (const pair of (isMap(map) ? map.items : []) as Pair<Node, Node | null>[]) {
      const name = keyOf(pair);
      const value = pair.value;
      if (name === undefined || name === '//' || !value || !IDENTIFIER.test(name)) continue;
      if (!argumentsOnly && isNestedBlock(name, value)) {
        for (const item of isSeq(value) ? (value.items as Node[]) : [value]) {
          this.write(indent);
          this.write(name, range(pair.key!));
          this.write(' {\n');
          this.body(item, depth + 1, false);
          this.write(`${indent}}\n`);
        }
        continue;
      }
      this.write(indent);
      this.write(name, range(pair.key!));
      this.write(' = ');
      this.expression(value);
      this.write('\n');
    }
  }

  private expression(node: Node): void {
    if (isMap(node)) {
      this.write('{');
      let first = true;
      for (const pair of node.items as Pair<Node, Node | null>[]) {
        const key = keyOf(pair);
        if (key === undefined || key === '//' || !pair.value) continue;
        this.write(first ? ' ' : ', ');
        first = false;
        this.write(JSON.stringify(key), range(pair.key!));
        this.write(' = ');
        this.expression(pair.value);
      }
      this.write(' }');
    } else if (isSeq(node)) {
      this.write('[');
      (node.items as Node[]).forEach((item, index) => {
        if (index > 0) this.write(', ');
        this.expression(item);
      });
      this.write(']');
    } else if (isScalar(node)) {
      this.write(scalarExpression(node, this.json), range(node));
    } else {
      this.write('null');
    }
  }

  private write(text: string, outer?: readonly [number, number]): void {
    if (outer) this.segments.push(this.length, this.length + text.length, outer[0], outer[1]);
    this.parts.push(text);
    this.length += text.length;
  }
}

/** A nested block: an object (or a list of objects) whose keys are all identifiers, not named as a map. */
function isNestedBlock(name: string, value: Node): boolean {
  if (MAP_ARGUMENTS.has(name)) return false;
  const items = isSeq(value) ? (value.items as Node[]) : [value];
  return items.length > 0 && items.every((item) => isMap(item) && (item.items as Pair<Node, Node | null>[]).every((pair) => IDENTIFIER.test(keyOf(pair) ?? '') || keyOf(pair) === '//'));
}

/** A JSON scalar as an HCL expression: strings are templates, as Terraform reads them. */
function scalarExpression(node: Scalar, json: string): string {
  const value = node.value;
  if (typeof value !== 'string') return value === null || value === undefined ? 'null' : String(value);
  // One interpolation and nothing else: Terraform reads it as the expression itself.
  if (value.startsWith('${') && sequenceEnd(value, 2) === value.length) return value.slice(2, -1).trim();
  // The JSON text is already a valid HCL string, offsets and all, unless it uses an escape HCL lacks
  // or holds a template sequence (`${lookup(m, \"k\")}`, where HCL wants the quotes bare).
  const source = node.range ? json.slice(node.range[0], node.range[1]) : '';
  if (node.type === 'QUOTE_DOUBLE' && !JSON_ONLY_ESCAPE.test(source) && !/[$%]\{/.test(value)) return source;
  return templateLiteral(value);
}

/** A string value as an HCL quoted template: literal text escaped, `${…}` and `%{…}` sequences kept as written. */
function templateLiteral(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if ((char === '$' || char === '%') && value[i + 1] === '{' && value[i - 1] !== char) {
      const end = sequenceEnd(value, i + 2);
      if (end === -1) {
        out += value.slice(i).replace(/["\\\n\r\t]/g, (c) => ESCAPES[c]!);
        break;
      }
      out += value.slice(i, end);
      i = end - 1;
    } else out += ESCAPES[char] ?? char;
  }
  return `${out}"`;
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The end of a template sequence opened before `from`: past its closing brace, nested braces and quoted strings; -1 when unclosed. */
function sequenceEnd(value: string, from: number): number {
  let depth = 1;
  let quoted = false;
  for (let i = from; i < value.length; i++) {
    const char = value[i];
    if (quoted) {
      if (char === '\\') i++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

function keyOf(pair: Pair<Node, Node | null>): string | undefined {
  return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
}

function range(node: Node): readonly [number, number] {
  return node.range ? [node.range[0], node.range[1]] : [0, 0];
}
