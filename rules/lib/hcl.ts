import type { SyntaxNode, Tree } from '../../server/src/engine/parse/tree-sitter';
import { parseGoDuration } from './go-duration';
import { nodesAtText } from './syntax';

/** An HCL block such as `resource "tls_self_signed_cert" "svc" { ... }`. */
export interface HclBlock {
  readonly node: SyntaxNode;
  /** `resource`, `provider`, `data`, ... */
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: SyntaxNode | undefined;
}

const blocksByTree = new WeakMap<Tree, HclBlock[]>();

/**
 * Every block of the file, nested ones after their parent, in source order. Blocks live only in
 * bodies, so the walk goes through bodies and blocks and never into expressions; the list is
 * built once per tree and shared by every Terraform rule of that version.
 */
export function hclBlocks(tree: Tree): HclBlock[] {
  let blocks = blocksByTree.get(tree);
  if (blocks) return blocks;
  blocks = [];
  const bodies: SyntaxNode[] = tree.rootNode.namedChildren.filter((child): child is SyntaxNode => child?.type === 'body');
  for (let next = bodies.shift(); next; next = bodies.shift()) {
    for (const node of next.namedChildren) {
      if (node?.type !== 'block') continue;
      const block = hclBlock(node);
      blocks.push(block);
      if (block.body) bodies.push(block.body);
    }
  }
  blocks.sort((a, b) => a.node.startIndex - b.node.startIndex);
  blocksByTree.set(tree, blocks);
  return blocks;
}

/**
 * The blocks that directly hold an occurrence of `attribute` (e.g. `validity_period_hours`), found
 * from the text: on a keystroke in a large file this costs the occurrences, not the whole file.
 */
export function hclBlocksWithAttribute(tree: Tree, text: string, attribute: string): HclBlock[] {
  return nodesAtText(tree, text, attribute, BLOCK).map(hclBlock);
}

const BLOCK: ReadonlySet<string> = new Set(['block']);

function hclBlock(node: SyntaxNode): HclBlock {
  const children = node.namedChildren.filter((child): child is SyntaxNode => child !== null);
  const type = children[0]?.type === 'identifier' ? children[0].text : '';
  const labels = children
    .filter((child) => child.type === 'string_lit' || (child.type === 'identifier' && child !== children[0]))
    .map((child) => (child.type === 'string_lit' ? hclStringContent(child) : child.text));
  return { node, type, labels, body: children.find((child) => child.type === 'body') };
}

/** The body of a block node (what `hclChildBlocks` returns), where its attributes and nested blocks are. */
export function hclBodyOf(block: SyntaxNode | null | undefined): SyntaxNode | undefined {
  return block?.namedChildren.find((child) => child?.type === 'body') ?? undefined;
}

/** The `name = expression` attribute directly inside `body`. */
export function hclAttribute(body: SyntaxNode | undefined, name: string): { node: SyntaxNode; value: SyntaxNode } | undefined {
  for (const child of body?.namedChildren ?? []) {
    if (child?.type !== 'attribute') continue;
    const [key, value] = child.namedChildren;
    if (key?.text === name && value) return { node: child, value };
  }
  return undefined;
}

/** A literal number, string or bool as written; undefined for anything computed. */
export function hclLiteral(expression: SyntaxNode): string | number | boolean | undefined {
  const literal = expression.type === 'expression' ? expression.namedChild(0) : expression;
  if (literal?.type === 'literal_value') {
    const inner = literal.namedChild(0);
    if (inner?.type === 'numeric_lit') return Number(inner.text);
    if (inner?.type === 'bool_lit') return inner.text === 'true';
    // A quoted string without interpolation parses as a string literal: its text between the quotes.
    if (inner?.type === 'string_lit') return hclStringContent(inner);
    return undefined;
  }
  if (literal?.type === 'template_expr') {
    const quoted = literal.namedChild(0);
    if (quoted?.type === 'quoted_template' && !quoted.namedChildren.some((c) => c?.type === 'template_interpolation')) {
      return quoted.text.slice(1, -1);
    }
  }
  return undefined;
}

/** The node holding a literal's own text (the number itself), for precise edits. */
export function hclLiteralNode(expression: SyntaxNode): SyntaxNode {
  const literal = expression.type === 'expression' ? (expression.namedChild(0) ?? expression) : expression;
  return literal.type === 'literal_value' ? (literal.namedChild(0) ?? literal) : literal;
}

function hclStringContent(node: SyntaxNode): string {
  return node.text.replace(/^"|"$/g, '');
}

/** Every `name = expression` attribute directly inside `body`, in source order. */
export function hclAttributes(body: SyntaxNode | undefined): Array<{ name: string; node: SyntaxNode; value: SyntaxNode }> {
  const attributes: Array<{ name: string; node: SyntaxNode; value: SyntaxNode }> = [];
  for (const child of body?.namedChildren ?? []) {
    if (child?.type !== 'attribute') continue;
    const [key, value] = child.namedChildren;
    if (key && value) attributes.push({ name: key.text, node: child, value });
  }
  return attributes;
}

/** The blocks of type `type` (e.g. `assume_role`) directly inside `body`. */
export function hclChildBlocks(body: SyntaxNode | undefined, type: string): SyntaxNode[] {
  return (body?.namedChildren ?? []).filter(
    (child): child is SyntaxNode => child?.type === 'block' && child.namedChild(0)?.text === type,
  );
}

/**
 * The traversal an expression is, as written without spaces (`var.aws_secret_key`,
 * `data.vault_generic_secret.aws.data`), or undefined for anything else (literals, calls, templates).
 */
export function hclReference(expression: SyntaxNode): string | undefined {
  const inner = expression.type === 'expression' ? expression.namedChild(0) : expression;
  if (inner?.type !== 'variable_expr') return undefined;
  return expression.text.replace(/\s/g, '');
}

/** A function call expression: its name and argument expressions, or undefined. */
export function hclFunctionCall(expression: SyntaxNode): { name: string; args: SyntaxNode[] } | undefined {
  const inner = expression.type === 'expression' ? expression.namedChild(0) : expression;
  if (inner?.type !== 'function_call') return undefined;
  const name = inner.namedChild(0)?.text ?? '';
  const args = inner.namedChildren.find((child) => child?.type === 'function_arguments');
  return { name, args: (args?.namedChildren ?? []).filter((child): child is SyntaxNode => child?.type === 'expression') };
}

/** The text between the quotes of a plain string literal expression, with its offsets; else undefined. */
export function hclStringSpan(expression: SyntaxNode): { value: string; start: number; end: number } | undefined {
  const literal = expression.type === 'expression' ? expression.namedChild(0) : expression;
  const inner = literal?.type === 'literal_value' ? literal.namedChild(0) : undefined;
  if (inner?.type !== 'string_lit') return undefined;
  const text = inner.text;
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return undefined;
  return { value: text.slice(1, -1), start: inner.startIndex + 1, end: inner.endIndex - 1 };
}

/** The span of a block's header: from its type to the end of its last label (`resource "a" "b"`). */
export function hclHeaderSpan(block: HclBlock): [number, number] {
  let end = block.node.startIndex;
  for (const child of block.node.namedChildren) {
    if (!child || child.type === 'block_start' || child.type === 'body') break;
    end = child.endIndex;
  }
  return [block.node.startIndex, end];
}

/** `type.name` in an expression: a resource address (also `var.x`, `local.y`, filtered by type). */
const REFERENCE = /(?<![\w.-])([a-z][a-z0-9_]*)\.([\w-]+)/g;

/**
 * The blocks that `accept` picks, by each `resourceType.name` address they mention: one pass over
 * the file, so relating n resources to the blocks that use them is not n × blocks.
 */
export function hclReferrers(blocks: readonly HclBlock[], resourceType: string, accept: (block: HclBlock) => boolean): Map<string, HclBlock[]> {
  const referrers = new Map<string, HclBlock[]>();
  for (const block of blocks) {
    if (!accept(block)) continue;
    const addresses = new Set<string>();
    for (const match of block.node.text.matchAll(REFERENCE)) if (match[1] === resourceType) addresses.add(match[0]);
    for (const address of addresses) {
      const list = referrers.get(address);
      if (list) list.push(block);
      else referrers.set(address, [block]);
    }
  }
  return referrers;
}

/** The block of one of `types` that holds `span` (a finding's), for a fix that needs it again. */
export function hclBlockHolding(tree: Tree, span: readonly [number, number], types: ReadonlySet<string>): HclBlock | undefined {
  return hclBlocks(tree).find((block) => types.has(block.type) && block.node.startIndex <= span[0] && span[1] <= block.node.endIndex);
}

/**
 * How far ahead an expiry attribute (`end_date`, `expiration_date`) puts the end: a literal date,
 * with the days from now, or `timeadd(<start>, "<duration>")`, with the duration in seconds and
 * where its string is (a fix rewrites it). Undefined for anything else (a reference, a time_rotating
 * attribute), which cannot be judged from the file.
 */
export function hclExpiry(
  expression: SyntaxNode,
  now = Date.now(),
): { readonly date: string; readonly days: number } | { readonly duration: { value: string; start: number; end: number }; readonly seconds: number } | undefined {
  const literal = hclLiteral(expression);
  if (typeof literal === 'string') {
    const days = (Date.parse(literal) - now) / 86_400_000;
    return Number.isFinite(days) ? { date: literal, days } : undefined;
  }
  const call = hclFunctionCall(expression);
  const duration = call?.name === 'timeadd' && call.args[1] ? hclStringSpan(call.args[1]) : undefined;
  const seconds = duration ? parseGoDuration(duration.value) : undefined;
  return duration && seconds !== undefined ? { duration, seconds } : undefined;
}
