import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { hclAttribute, hclAttributes, hclChildBlocks, hclLiteral } from '../lib/hcl';

/** A value of an HCL expression or JSON document: anything computed becomes `${<expression text>}`. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** Where each converted object or tuple came from, for precise spans. */
export const origin = new WeakMap<object, SyntaxNode>();

function unwrap(expression: SyntaxNode): SyntaxNode {
  let node = expression;
  while ((node.type === 'expression' || node.type === 'collection_value') && node.namedChildCount === 1) node = node.namedChild(0)!;
  return node;
}

/** An HCL expression as a plain value: objects, tuples and literals as written, the rest as `${...}`. */
export function hclValue(expression: SyntaxNode): Value {
  const node = unwrap(expression);
  if (node.type === 'object') {
    const object: { [key: string]: Value } = {};
    for (const element of node.namedChildren) {
      if (element?.type !== 'object_elem') continue;
      const [key, value] = element.namedChildren;
      if (!key || !value) continue;
      const keyNode = unwrap(key);
      const name = keyNode.type === 'variable_expr' ? keyNode.text : hclLiteral(key);
      if (name === undefined) continue;
      object[String(name)] = hclValue(value);
    }
    origin.set(object, node);
    return object;
  }
  if (node.type === 'tuple') {
    const items = node.namedChildren.filter((child): child is SyntaxNode => child?.type === 'expression').map(hclValue);
    origin.set(items, node);
    return items;
  }
  const literal = hclLiteral(expression);
  if (literal !== undefined) return literal;
  if (node.type === 'template_expr') {
    const quoted = node.namedChild(0);
    if (quoted?.type === 'quoted_template') return quoted.text.slice(1, -1);
  }
  return '${' + expression.text + '}';
}

/** The JSON text of a heredoc, or undefined when the expression is not one. */
export function heredocText(expression: SyntaxNode): string | undefined {
  const node = unwrap(expression);
  const heredoc = node.type === 'template_expr' ? node.namedChild(0) : undefined;
  if (heredoc?.type !== 'heredoc_template') return undefined;
  const identifiers = heredoc.namedChildren.filter((child): child is SyntaxNode => child?.type === 'heredoc_identifier');
  if (identifiers.length < 2) return undefined;
  return heredoc.text.slice(identifiers[0]!.endIndex - heredoc.startIndex, identifiers[identifiers.length - 1]!.startIndex - heredoc.startIndex);
}

export interface TrustCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
  readonly node: SyntaxNode;
}

/** One trust-policy statement, from a policy document data source or a JSON policy. */
export interface TrustStatement {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly federated: readonly string[];
  readonly conditions: readonly TrustCondition[];
  readonly node: SyntaxNode;
}

const strings = (value: Value | undefined): string[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value.flatMap(strings) : typeof value === 'object' ? [] : [String(value)];

/** The statements of a `data "aws_iam_policy_document"` body. */
export function documentStatements(body: SyntaxNode | undefined): TrustStatement[] {
  return hclChildBlocks(body, 'statement').map((statement) => {
    const inner = statement.namedChildren.find((child) => child?.type === 'body') ?? undefined;
    const attribute = (block: SyntaxNode | undefined, name: string) => {
      const found = hclAttribute(block, name);
      return found ? hclValue(found.value) : undefined;
    };
    const federated = hclChildBlocks(inner, 'principals').flatMap((principals) => {
      const principalsBody = principals.namedChildren.find((child) => child?.type === 'body') ?? undefined;
      return strings(attribute(principalsBody, 'type')).includes('Federated') ? strings(attribute(principalsBody, 'identifiers')) : [];
    });
    const conditions = hclChildBlocks(inner, 'condition').map((condition) => {
      const conditionBody = condition.namedChildren.find((child) => child?.type === 'body') ?? undefined;
      return {
        test: strings(attribute(conditionBody, 'test'))[0] ?? '',
        variable: strings(attribute(conditionBody, 'variable'))[0] ?? '',
        values: strings(attribute(conditionBody, 'values')),
        node: condition,
      };
    });
    return {
      effect: strings(attribute(inner, 'effect'))[0] ?? 'Allow',
      actions: strings(attribute(inner, 'actions')),
      federated,
      conditions,
      node: statement,
    };
  });
}

const isObject = (value: Value | undefined): value is { [key: string]: Value } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The statements of a JSON policy (from jsonencode or a heredoc); `fallback` locates parts with no node of their own. */
export function jsonStatements(policy: Value, fallback: SyntaxNode): TrustStatement[] {
  if (!isObject(policy)) return [];
  const raw = policy.Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  const statements: TrustStatement[] = [];
  for (const statement of list) {
    if (!isObject(statement)) continue;
    const node = origin.get(statement) ?? fallback;
    const principal = statement.Principal;
    const conditions: TrustCondition[] = [];
    const condition = statement.Condition;
    if (isObject(condition)) {
      for (const [test, pairs] of Object.entries(condition)) {
        if (!isObject(pairs)) continue;
        for (const [variable, values] of Object.entries(pairs)) {
          conditions.push({ test, variable, values: strings(values), node: origin.get(pairs) ?? node });
        }
      }
    }
    statements.push({
      effect: strings(statement.Effect)[0] ?? 'Allow',
      actions: strings(statement.Action),
      federated: isObject(principal) ? strings(principal.Federated) : [],
      conditions,
      node,
    });
  }
  return statements;
}

/** `name = value` pairs of a block, converted; for small lookups such as a provider's url. */
export function attributeStrings(body: SyntaxNode | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { name, value } of hclAttributes(body)) map.set(name, strings(hclValue(value)));
  return map;
}
