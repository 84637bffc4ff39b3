import type { SyntaxNode, Tree } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';

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

/**
 * The nearest ancestor (or the node itself) of one of `types` at each occurrence of `needle` in
 * the text, without duplicates. Text search proposes, the tree decides: the cost is the number of
 * occurrences times the depth, not the size of the tree, which matters on every keystroke.
 */
export function nodesAtText(tree: Tree, text: string, needle: string, types: ReadonlySet<string>): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const seen = new Set<number>();
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    for (let node: SyntaxNode | null = tree.rootNode.descendantForIndex(at); node; node = node.parent) {
      if (!types.has(node.type)) continue;
      if (!seen.has(node.startIndex)) {
        seen.add(node.startIndex);
        found.push(node);
      }
      break;
    }
  }
  return found;
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

/**
 * The value of a string literal in any of the code grammars: JS/TS (`jsStringValue`), Python
 * (no f-string substitutions, no bytes), Go (interpreted or raw), Java. Escapes are left as written.
 */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string': {
      const start = node.firstChild;
      const end = node.lastChild;
      if (start?.type !== 'string_start' || end?.type !== 'string_end') return jsStringValue(node);
      // Python: prefixes such as r'' and u'' keep text; f'' with substitutions and b'' do not.
      if (/[bB]/.test(start.text.replace(/['"]/g, ''))) return undefined;
      if (node.namedChildren.some((child) => child?.type === 'interpolation')) return undefined;
      return node.text.slice(start.endIndex - node.startIndex, end.startIndex - node.startIndex);
    }
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return node.text.slice(1, -1);
    case 'string_literal':
      return node.text.startsWith('"""') ? undefined : node.text.slice(1, -1);
    case 'template_string':
      return jsStringValue(node);
    default:
      return undefined;
  }
}

const FUNCTION_TYPES = new Set([
  // JS/TS
  'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function', 'function',
  // Python
  'function_definition', 'lambda',
  // Go (function_declaration above)
  'method_declaration', 'func_literal',
  // Java (method_declaration above)
  'constructor_declaration', 'lambda_expression',
]);

export function isFunctionNode(node: SyntaxNode): boolean {
  return FUNCTION_TYPES.has(node.type);
}

/**
 * The error handler `node` runs in, if any, within its own function: a `catch` clause (JS/TS,
 * Java), an `except` clause (Python), the block of Go's `if err != nil { … }`, or a function
 * passed to a promise's `.catch(…)`. Code there runs because something failed: a fallback.
 */
export function enclosingErrorHandler(node: SyntaxNode): SyntaxNode | undefined {
  let previous = node;
  for (let current = node.parent; current; previous = current, current = current.parent) {
    if (current.type === 'catch_clause') return current.childForFieldName('body')?.id === previous.id ? current : undefined;
    if (current.type === 'except_clause' || current.type === 'except_group_clause') return previous.type === 'block' ? current : undefined;
    if (current.type === 'if_statement' && current.childForFieldName('consequence')?.id === previous.id) {
      const condition = current.childForFieldName('condition')?.text.replace(/\s+/g, '');
      if (condition !== undefined && /\berr!=nil\b/.test(condition)) return current;
    }
    if (isFunctionNode(current)) {
      const call = current.parent?.type === 'arguments' ? current.parent.parent : undefined;
      const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
      return callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'catch' ? call! : undefined;
    }
  }
  return undefined;
}

/** The function body (or the whole file) that `node` belongs to: where a local name is resolved. */
export function enclosingScope(node: SyntaxNode): SyntaxNode {
  let current: SyntaxNode = node;
  while (current.parent && !isFunctionNode(current.parent)) current = current.parent;
  return current.parent ? (current.parent.childForFieldName('body') ?? current.parent) : current;
}

/**
 * The value last assigned to the local `name` before `use` in the same scope, when nothing
 * between that assignment and `use` mentions `name` again (no `name["exp"] = …`, no
 * `name.update(…)`, no passing it to a helper): then the literal is what `use` sees. Python
 * `name = …`, Go `name := …` / `var name = …` / `name = …`, JS/TS `const name = …`.
 */
export function localValue(use: SyntaxNode, name: string, text: string): SyntaxNode | undefined {
  const scope = enclosingScope(use);
  let found: { value: SyntaxNode; end: number } | undefined;
  const types = ['assignment', 'short_var_declaration', 'assignment_statement', 'var_spec', 'variable_declarator'];
  for (const node of scope.descendantsOfType(types)) {
    if (!node || node.startIndex >= use.startIndex) continue;
    // Only assignments in this scope, not in a nested function.
    if (enclosingScope(node).id !== scope.id) continue;
    const left = node.childForFieldName('left') ?? node.childForFieldName('name');
    const right = node.childForFieldName('right') ?? node.childForFieldName('value');
    const leftNames = left?.type === 'expression_list' ? left.namedChildren : [left];
    const rightValues = right?.type === 'expression_list' ? right.namedChildren : [right];
    if (leftNames.length !== 1 || rightValues.length !== 1) continue;
    if (leftNames[0]?.type !== 'identifier' || leftNames[0].text !== name || !rightValues[0]) continue;
    if (!found || node.startIndex > found.end) found = { value: rightValues[0], end: node.endIndex };
  }
  if (!found) return undefined;
  const between = text.slice(found.end, use.startIndex);
  for (let at = between.indexOf(name); at !== -1; at = between.indexOf(name, at + 1)) {
    const before = between[at - 1] ?? ' ';
    const after = between[at + name.length] ?? ' ';
    if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return undefined;
  }
  return found.value;
}

/**
 * Adds a member to a literal or list (`{…}` object or dict, Go `literal_value`, an argument list)
 * in its own layout: on one line, or on a line of its own after the last member's line (so a
 * trailing comment stays with its member), with the file's line ending and the members'
 * trailing-comma style. `pad` is what goes between an empty container's brackets and the member.
 */
export function addMember(text: string, container: SyntaxNode, member: string, pad = ' '): TextEdit[] {
  const members = container.namedChildren.filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
  const last = members[members.length - 1];
  if (!last) return [{ span: [container.startIndex + 1, container.endIndex - 1], newText: `${pad}${member}${pad}` }];
  const afterLast = text.slice(last.endIndex, container.endIndex - 1);
  const trailingComma = afterLast.trimStart().startsWith(',');
  if (!text.slice(container.startIndex, container.endIndex).includes('\n')) {
    return [{ span: [last.endIndex, last.endIndex], newText: `, ${member}` }];
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = text.lastIndexOf('\n', last.startIndex) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  let lineEnd = text.indexOf('\n', last.endIndex);
  if (lineEnd === -1 || lineEnd > container.endIndex) return [{ span: [last.endIndex, last.endIndex], newText: `, ${member}` }];
  if (text[lineEnd - 1] === '\r') lineEnd--;
  if (trailingComma) return [{ span: [lineEnd, lineEnd], newText: `${eol}${indent}${member},` }];
  // One edit from the last member to its line end, so the comma lands before any trailing comment.
  return [{ span: [last.endIndex, lineEnd], newText: `,${text.slice(last.endIndex, lineEnd)}${eol}${indent}${member}` }];
}

/** A number literal, or a product of them (`60 * 60 * 24`), in any of the code grammars. */
export function numberProduct(node: SyntaxNode | null | undefined): number | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'integer':
    case 'float':
    case 'int_literal':
    case 'float_literal':
    case 'decimal_integer_literal':
    case 'decimal_floating_point_literal':
    case 'number': {
      const value = Number(node.text.replace(/_/g, '').replace(/[lLfFdD]$/, ''));
      return Number.isFinite(value) ? value : undefined;
    }
    case 'parenthesized_expression':
      return numberProduct(node.namedChildren.find((child) => child !== null && child.type !== 'comment'));
    case 'binary_operator':
    case 'binary_expression': {
      if (node.childForFieldName('operator')?.text !== '*') return undefined;
      const left = numberProduct(node.childForFieldName('left'));
      const right = numberProduct(node.childForFieldName('right'));
      return left !== undefined && right !== undefined ? left * right : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The value of `name` as seen at `use`: the local assignment `localValue` finds, else the one
 * top-level assignment of that name in the file (`const URL_TTL = 7 * 86400`, `URL_TTL = 604800`).
 */
export function constantValue(root: SyntaxNode, use: SyntaxNode, name: string, text: string): SyntaxNode | undefined {
  const local = localValue(use, name, text);
  if (local) return local;
  const definitions: SyntaxNode[] = [];
  for (const node of root.descendantsOfType(['assignment', 'variable_declarator', 'const_spec', 'var_spec'])) {
    if (!node || enclosingScope(node).id !== root.id) continue;
    const left = node.childForFieldName('left') ?? node.childForFieldName('name');
    const right = node.childForFieldName('right') ?? node.childForFieldName('value');
    const value = right?.type === 'expression_list' ? right.namedChildren : [right];
    if (left?.type === 'identifier' && left.text === name && value.length === 1 && value[0]) definitions.push(value[0]);
  }
  return definitions.length === 1 ? definitions[0] : undefined;
}
