import type { SyntaxNode, Tree } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';

/** A node's named children without comments: a call's arguments, a list's items. */
export function named(node: SyntaxNode | null | undefined): SyntaxNode[] {
  return node?.namedChildren.filter((child): child is SyntaxNode => child !== null && child.type !== 'comment') ?? [];
}

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
 * Random access into a tree without tree-sitter's sibling scans. tree-sitter finds a node's parent
 * by walking down from the root past every earlier sibling, and `descendantForIndex` scans
 * siblings the same way, so asking either for each of n top-level statements is quadratic. Here
 * the children of each node passed are fetched once per tree, their ranges read once and searched
 * by binary search, and every parent seen on the way down is remembered.
 *
 * Fetching children costs, though: a top-level node of a 10,000-line module has 1,700 children,
 * 3 ms of marshalling on every keystroke when a rule asks about one spot. So questions go first
 * to tree-sitter's own scans, which cost a few nanoseconds per child passed against two
 * microseconds per child fetched, within a budget per tree that grows with the root's children
 * (what indexing would fetch first): a wide file may be asked a few hundred questions this way,
 * while deep nesting or one huge node soon spends it and is indexed. A few questions stay cheap,
 * and many stay linear.
 */
const NATIVE_BUDGET_PER_ROOT_CHILD = 512;
/** What one level of a native descent costs in the budget's unit (children passed): a wasm call and a node. */
const NATIVE_LEVEL_COST = 256;

interface TreeIndex {
  /** The tree's root, fetched once. */
  readonly root: SyntaxNode;
  /** Children tree-sitter may still scan for this tree's questions; once spent, the index answers. */
  nativeBudget: number;
  readonly parents: Map<number, SyntaxNode>;
  /** Children of the nodes passed on the way down, by node id, with their ranges read once. */
  readonly children: Map<number, Children>;
  /**
   * The path from the root to the node last found by `nodeAt`: the next lookup starts from the
   * deepest node on it that holds its offset, so lookups in ascending order (and at neighbouring
   * offsets) do not descend from the root each time, which deep nesting would make quadratic.
   */
  readonly path: Array<{ readonly node: SyntaxNode; readonly start: number; readonly end: number }>;
}

interface Children {
  readonly nodes: SyntaxNode[];
  readonly starts: number[];
  readonly ends: number[];
}

const treeIndexes = new WeakMap<Tree, TreeIndex>();

function treeIndex(tree: Tree): TreeIndex {
  let index = treeIndexes.get(tree);
  if (!index) {
    const root = tree.rootNode;
    // An HCL file's root holds one body, which holds the blocks.
    const top = root.childCount === 1 ? (root.child(0) ?? root) : root;
    index = { root, nativeBudget: NATIVE_BUDGET_PER_ROOT_CHILD * Math.max(16, top.childCount), parents: new Map(), children: new Map(), path: [{ node: root, start: root.startIndex, end: root.endIndex }] };
    treeIndexes.set(tree, index);
  }
  return index;
}

function childrenOf(index: TreeIndex, node: SyntaxNode): Children {
  let children = index.children.get(node.id);
  if (children) return children;
  const nodes = node.children.filter((child): child is SyntaxNode => child !== null);
  children = { nodes, starts: nodes.map((child) => child.startIndex), ends: nodes.map((child) => child.endIndex) };
  for (const child of nodes) index.parents.set(child.id, node);
  index.children.set(node.id, children);
  return children;
}

/** The child of `node` whose range holds [start, end) (a zero-width range: the offset), if any. */
function childHolding(index: TreeIndex, node: SyntaxNode, start: number, end: number): SyntaxNode | undefined {
  const { nodes, starts, ends } = childrenOf(index, node);
  for (let i = partitionPoint(ends.length, (k) => ends[k]! <= start); i < nodes.length && starts[i]! <= start; i++) {
    if (ends[i]! > start && ends[i]! >= end) return nodes[i];
  }
  return undefined;
}

/** The deepest node (named or not) whose range holds `offset` (start <= offset < end). */
export function nodeAt(tree: Tree, offset: number): SyntaxNode {
  const index = treeIndex(tree);
  const found = nativeDescent(index, offset);
  if (found) return found;
  const path = index.path;
  while (path.length > 1 && !(path[path.length - 1]!.start <= offset && offset < path[path.length - 1]!.end)) path.pop();
  let node = path[path.length - 1]!.node;
  for (let child = childHolding(index, node, offset, offset); child; child = childHolding(index, node, offset, offset)) {
    node = child;
    path.push({ node, start: node.startIndex, end: node.endIndex });
  }
  return node;
}

/**
 * Down from the root towards `offset` by tree-sitter's scans, one level at a time, recording the
 * parents on the way (so a rule climbing back up finds them): the deepest node holding the offset,
 * or with `target`, its parent (null for the root). Undefined once the budget is spent, or when
 * `target` is not met on the way (a zero-width node; the index finds it).
 */
function nativeDescent(index: TreeIndex, offset: number, target?: SyntaxNode): SyntaxNode | null | undefined {
  let node = index.root;
  if (target && node.id === target.id) return null;
  for (;;) {
    const children = node.childCount;
    if (children === 0) return target ? undefined : node;
    if (children + NATIVE_LEVEL_COST > index.nativeBudget) return undefined;
    index.nativeBudget -= children + NATIVE_LEVEL_COST;
    const child = node.firstChildForIndex(offset);
    if (!child || child.startIndex > offset) return target ? undefined : node;
    index.parents.set(child.id, node);
    if (target && child.id === target.id) return node;
    node = child;
  }
}

/** The parent of `node`, in time proportional to its depth. */
export function parentOf(node: SyntaxNode | null | undefined): SyntaxNode | null {
  if (!node) return null;
  const index = treeIndex(node.tree);
  const known = index.parents.get(node.id);
  if (known) return known;
  const found = nativeDescent(index, node.startIndex, node);
  if (found !== undefined) return found;
  // Down from the root through the nodes that hold this one's range, until it is a child.
  for (let current: SyntaxNode | undefined = index.root; current && current.id !== node.id; ) {
    current = childHolding(index, current, node.startIndex, Math.max(node.endIndex, node.startIndex + 1));
    const found = index.parents.get(node.id);
    if (found) return found;
  }
  return node.parent;
}

/**
 * The nearest ancestor (or the node itself) of one of `types` at each occurrence of `needle` in
 * the text, without duplicates. Text search proposes, the tree decides: the cost is the
 * occurrences and their paths, not the size of the tree, which matters on every keystroke.
 */
export function nodesAtText(tree: Tree, text: string, needle: string, types: ReadonlySet<string>): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  // The answer for each node already climbed through, so occurrences that share ancestors (deep
  // nesting, one block) climb each node once.
  const nearest = new Map<number, SyntaxNode | null>();
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    const climbed: number[] = [];
    let answer: SyntaxNode | null = null;
    for (let node: SyntaxNode | null = nodeAt(tree, at); node; node = parentOf(node)) {
      const known = nearest.get(node.id);
      if (known !== undefined) {
        answer = known;
        break;
      }
      climbed.push(node.id);
      if (types.has(node.type)) {
        answer = node;
        found.push(node);
        break;
      }
    }
    for (const id of climbed) nearest.set(id, answer);
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
  for (let current = parentOf(node); current; previous = current, current = parentOf(current)) {
    if (current.type === 'catch_clause') return current.childForFieldName('body')?.id === previous.id ? current : undefined;
    if (current.type === 'except_clause' || current.type === 'except_group_clause') return previous.type === 'block' ? current : undefined;
    if (current.type === 'if_statement' && current.childForFieldName('consequence')?.id === previous.id) {
      const condition = current.childForFieldName('condition')?.text.replace(/\s+/g, '');
      if (condition !== undefined && /\berr!=nil\b/.test(condition)) return current;
    }
    if (isFunctionNode(current)) {
      const call = parentOf(current)?.type === 'arguments' ? parentOf(parentOf(current)) : undefined;
      const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
      return callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'catch' ? call! : undefined;
    }
  }
  return undefined;
}

/** The function body (or the whole file) that `node` belongs to: where a local name is resolved. */
export function enclosingScope(node: SyntaxNode): SyntaxNode {
  let current: SyntaxNode = node;
  for (let parent = parentOf(current); parent; current = parent, parent = parentOf(current)) {
    if (isFunctionNode(parent)) return parent.childForFieldName('body') ?? parent;
  }
  return current;
}

const LOCAL_ASSIGNMENTS = new Set(['assignment', 'short_var_declaration', 'assignment_statement', 'var_spec', 'variable_declarator']);
const CONSTANT_DEFINITIONS = new Set(['assignment', 'variable_declarator', 'const_spec', 'var_spec']);

interface Assignment {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly value: SyntaxNode;
}

/** Where names are assigned in one tree, by scope: built once per tree, so lookups do not rescan. */
interface AssignmentIndex {
  /** Function nodes in document order, each with the position of the function around it (-1: none). */
  readonly functions: Array<{ readonly start: number; readonly end: number; readonly id: number; readonly outer: number }>;
  /** Scope (position in `functions`, -1 for the file) → name → single-name assignments in document order. */
  readonly byScope: Map<number, Map<string, Assignment[]>>;
  /** Name → offsets where it appears as a whole word, computed when first asked. */
  readonly mentions: Map<string, number[]>;
}

const assignmentIndexes = new WeakMap<Tree, AssignmentIndex>();

function assignmentIndex(tree: Tree): AssignmentIndex {
  let index = assignmentIndexes.get(tree);
  if (index) return index;
  index = { functions: [], byScope: new Map(), mentions: new Map() };
  // One query in the parser's own code; document order lets a stack of open functions give each
  // assignment its scope.
  const open: number[] = [];
  for (const node of tree.rootNode.descendantsOfType([...LOCAL_ASSIGNMENTS, ...CONSTANT_DEFINITIONS, ...FUNCTION_TYPES])) {
    if (!node) continue;
    while (open.length > 0 && index.functions[open[open.length - 1]!]!.end <= node.startIndex) open.pop();
    const scope = open.length > 0 ? open[open.length - 1]! : -1;
    if (FUNCTION_TYPES.has(node.type)) {
      index.functions.push({ start: node.startIndex, end: node.endIndex, id: node.id, outer: scope });
      open.push(index.functions.length - 1);
      continue;
    }
    const left = node.childForFieldName('left') ?? node.childForFieldName('name');
    const right = node.childForFieldName('right') ?? node.childForFieldName('value');
    const leftNames = left?.type === 'expression_list' ? left.namedChildren : [left];
    const rightValues = right?.type === 'expression_list' ? right.namedChildren : [right];
    if (leftNames.length !== 1 || rightValues.length !== 1 || leftNames[0]?.type !== 'identifier' || !rightValues[0]) continue;
    let names = index.byScope.get(scope);
    if (!names) index.byScope.set(scope, (names = new Map()));
    const name = leftNames[0].text;
    let list = names.get(name);
    if (!list) names.set(name, (list = []));
    list.push({ type: node.type, start: node.startIndex, end: node.endIndex, value: rightValues[0] });
  }
  assignmentIndexes.set(tree, index);
  return index;
}

/** The scope of `node` in `index`: the innermost function around it (not itself), or -1. */
function scopeOf(index: AssignmentIndex, node: SyntaxNode): number {
  const { functions } = index;
  let scope = partitionPoint(functions.length, (i) => functions[i]!.start <= node.startIndex) - 1;
  while (scope >= 0 && (functions[scope]!.end < node.endIndex || functions[scope]!.id === node.id)) scope = functions[scope]!.outer;
  return scope;
}

/** Whether `name` appears as a whole word in `text` within [from, to). */
function mentionedBetween(index: AssignmentIndex, text: string, name: string, from: number, to: number): boolean {
  let offsets = index.mentions.get(name);
  if (!offsets) {
    offsets = [];
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
      if (!/[\w$]/.test(text[at - 1] ?? ' ') && !/[\w$]/.test(text[at + name.length] ?? ' ')) offsets.push(at);
    }
    index.mentions.set(name, offsets);
  }
  const first = partitionPoint(offsets.length, (i) => offsets[i]! < from);
  return first < offsets.length && offsets[first]! < to;
}

/** The first of `length` sorted positions where `before` turns false (binary search). */
function partitionPoint(length: number, before: (position: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (before(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The value last assigned to the local `name` before `use` in the same scope, when nothing
 * between that assignment and `use` mentions `name` again (no `name["exp"] = …`, no
 * `name.update(…)`, no passing it to a helper): then the literal is what `use` sees. Python
 * `name = …`, Go `name := …` / `var name = …` / `name = …`, JS/TS `const name = …`.
 */
export function localValue(use: SyntaxNode, name: string, text: string): SyntaxNode | undefined {
  const index = assignmentIndex(use.tree);
  const assignments = index.byScope.get(scopeOf(index, use))?.get(name);
  if (!assignments) return undefined;
  // The last assignment that starts before `use`.
  let found: Assignment | undefined;
  for (let at = partitionPoint(assignments.length, (i) => assignments[i]!.start < use.startIndex) - 1; at >= 0 && !found; at--) if (LOCAL_ASSIGNMENTS.has(assignments[at]!.type)) found = assignments[at];
  if (!found || mentionedBetween(index, text, name, found.end, use.startIndex)) return undefined;
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
  const definitions = assignmentIndex(root.tree).byScope.get(-1)?.get(name)?.filter((assignment) => CONSTANT_DEFINITIONS.has(assignment.type));
  return definitions?.length === 1 ? definitions[0]!.value : undefined;
}

/**
 * Edits removing `remove` from a list of `items` (object members, arguments) with their commas:
 * whole lines when every removed item sits on lines of its own, otherwise the item with the comma
 * before it (or after it, for a leading run). Undefined when nothing is removed.
 */
export function removeItems(text: string, items: readonly SyntaxNode[], remove: ReadonlySet<number>): TextEdit[] | undefined {
  const removed = items.filter((item) => remove.has(item.id));
  if (removed.length === 0) return undefined;
  const lineSpans = removed.map((item) => ownLines(text, item));
  if (lineSpans.every((span) => span !== undefined)) return lineSpans.map((span) => ({ span: span!, newText: '' }));
  const edits: TextEdit[] = [];
  const firstKept = items.findIndex((item) => !remove.has(item.id));
  if (firstKept === -1) return [{ span: [items[0]!.startIndex, items[items.length - 1]!.endIndex], newText: '' }];
  if (firstKept > 0) edits.push({ span: [items[0]!.startIndex, items[firstKept]!.startIndex], newText: '' });
  for (let i = firstKept + 1; i < items.length; i++) {
    if (remove.has(items[i]!.id)) edits.push({ span: [items[i - 1]!.endIndex, items[i]!.endIndex], newText: '' });
  }
  return edits;
}

/** The span of the whole lines `item` fills (with its comma and a trailing comment), if it fills them alone. */
function ownLines(text: string, item: SyntaxNode): [number, number] | undefined {
  const lineStart = text.lastIndexOf('\n', item.startIndex - 1) + 1;
  if (text.slice(lineStart, item.startIndex).trim() !== '') return undefined;
  const lineEnd = text.indexOf('\n', item.endIndex);
  if (lineEnd === -1) return undefined;
  let rest = text.slice(item.endIndex, lineEnd).trim();
  if (rest.startsWith(',')) rest = rest.slice(1).trim();
  if (rest !== '' && !rest.startsWith('//') && !rest.startsWith('#')) return undefined;
  return [lineStart, lineEnd + 1];
}
