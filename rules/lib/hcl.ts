import type { SyntaxNode, Tree } from '../../server/src/engine/parse/tree-sitter';
import { visit } from './syntax';

/** An HCL block such as `resource "tls_self_signed_cert" "svc" { ... }`. */
export interface HclBlock {
  readonly node: SyntaxNode;
  /** `resource`, `provider`, `data`, ... */
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: SyntaxNode | undefined;
}

const BLOCKS = new Set(['block']);

export function hclBlocks(tree: Tree): HclBlock[] {
  const blocks: HclBlock[] = [];
  visit(tree, BLOCKS, (node) => {
    const children = node.namedChildren.filter((child): child is SyntaxNode => child !== null);
    const type = children[0]?.type === 'identifier' ? children[0].text : '';
    const labels = children
      .filter((child) => child.type === 'string_lit' || (child.type === 'identifier' && child !== children[0]))
      .map((child) => (child.type === 'string_lit' ? hclStringContent(child) : child.text));
    blocks.push({ node, type, labels, body: children.find((child) => child.type === 'body') });
  });
  return blocks;
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
