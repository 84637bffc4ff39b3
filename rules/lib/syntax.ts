import type { SyntaxNode, Tree } from '../../server/src/engine/parse/tree-sitter';

/**
 * Visits every node of interest in document order with a tree cursor (no child arrays are
 * allocated). `types` narrows the callback to those node types.
 */
export function visit(tree: Tree, types: ReadonlySet<string>, callback: (node: SyntaxNode) => void): void {
  const cursor = tree.walk();
  try {
    for (;;) {
      if (types.has(cursor.nodeType)) callback(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The value of a JS/TS string literal, or of a template literal without substitutions. */
export function jsStringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') return node.text.slice(1, -1);
  if (node.type === 'template_string' && !node.namedChildren.some((child) => child?.type === 'template_substitution')) {
    return node.text.slice(1, -1);
  }
  return undefined;
}

/** `process.env.NAME`, `process.env['NAME']` or `import.meta.env.NAME` → `NAME`. */
export function envVariableName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  let object: SyntaxNode | null;
  let name: string | undefined;
  if (node.type === 'member_expression') {
    object = node.childForFieldName('object');
    name = node.childForFieldName('property')?.text;
  } else if (node.type === 'subscript_expression') {
    object = node.childForFieldName('object');
    name = jsStringValue(node.childForFieldName('index'));
  } else {
    return undefined;
  }
  const base = object?.text.replace(/\s+/g, '');
  return base === 'process.env' || base === 'import.meta.env' ? name : undefined;
}

/** Unwraps parentheses and TypeScript `as`/`!` wrappers around an expression. */
export function unwrapExpression(node: SyntaxNode | null | undefined): SyntaxNode | null | undefined {
  let current = node;
  while (
    current &&
    (current.type === 'parenthesized_expression' || current.type === 'as_expression' || current.type === 'non_null_expression' || current.type === 'satisfies_expression')
  ) {
    current = current.namedChild(0);
  }
  return current;
}
