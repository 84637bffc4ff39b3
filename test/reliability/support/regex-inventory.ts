/**
 * A static inventory of the regular expressions the scanner runs: RegExp literals and
 * `new RegExp('literal', 'flags')` / `RegExp('literal')` calls, found with the TypeScript compiler
 * API (which also parses the compiled JavaScript of secretlint's rule preset). Constructions whose
 * pattern is not a literal are listed separately so a test can insist each one is covered.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const REPO = join(__dirname, '..', '..', '..');

export interface FoundRegex {
  readonly source: string;
  readonly flags: string;
  /** `path:line` relative to the repository root. */
  readonly where: string;
  /** For the secretlint bundle: the rule (or bundled helper) the expression belongs to. */
  readonly owner?: string;
}

export interface DynamicRegex {
  readonly where: string;
  readonly text: string;
}

export interface Inventory {
  readonly literals: FoundRegex[];
  readonly dynamic: DynamicRegex[];
}

/** Every `.ts` file under `dir`, skipping rule fixtures. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      out.push(...sourceFiles(full));
    } else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

function isRegExpCallee(expression: ts.Expression): boolean {
  if (ts.isIdentifier(expression)) return expression.text === 'RegExp';
  // globalThis.RegExp / window.RegExp
  return ts.isPropertyAccessExpression(expression) && expression.name.text === 'RegExp';
}

/**
 * Folds a constant string expression: string and template literals (`String.raw` too), `+`
 * concatenation, and identifiers bound to such constants by a `const` in an enclosing scope (how
 * secretlint's AWS rule assembles its pattern from QUOTE/AWS/CONNECT pieces).
 */
function literalText(node: ts.Expression | undefined, depth = 0): string | undefined {
  if (!node || depth > 20) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression, depth + 1);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left, depth + 1);
    const right = literalText(node.right, depth + 1);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  if (ts.isTemplateExpression(node)) return foldTemplate(node, false, depth);
  if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'String.raw') {
    const template = node.template;
    if (ts.isNoSubstitutionTemplateLiteral(template)) return template.rawText ?? template.text;
    return foldTemplate(template, true, depth);
  }
  if (ts.isIdentifier(node)) return literalText(constantInitializer(node), depth + 1);
  return undefined;
}

function foldTemplate(template: ts.TemplateExpression, raw: boolean, depth: number): string | undefined {
  const piece = (literal: ts.TemplateLiteralLikeNode) => (raw ? (literal.rawText ?? literal.text) : literal.text);
  let out = piece(template.head);
  for (const span of template.templateSpans) {
    const value = literalText(span.expression, depth + 1);
    if (value === undefined) return undefined;
    out += value + piece(span.literal);
  }
  return out;
}

/** The initializer of the nearest enclosing `const <name> = …` (statements of blocks, functions, the file). */
function constantInitializer(identifier: ts.Identifier): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    const statements = ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) ? scope.statements : undefined;
    if (!statements) continue;
    for (const statement of statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text && declaration.initializer) return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** Splits the text of a regex literal `/body/flags` into source and flags. */
function splitLiteral(text: string): { source: string; flags: string } {
  const end = text.lastIndexOf('/');
  return { source: text.slice(1, end), flags: text.slice(end + 1) };
}

export function scanFile(file: string, ownerOf?: (sourceFile: ts.SourceFile, node: ts.Node) => string | undefined): Inventory {
  const text = readFileSync(file, 'utf8');
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const rel = relative(REPO, file).split('\\').join('/');
  const literals: FoundRegex[] = [];
  const dynamic: DynamicRegex[] = [];
  const where = (node: ts.Node) => `${rel}:${sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const owner = ownerOf?.(sourceFile, node);
      literals.push({ ...splitLiteral(node.getText(sourceFile)), where: where(node), ...(owner ? { owner } : {}) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && isRegExpCallee(node.expression)) {
      const args = node.arguments ?? ts.factory.createNodeArray();
      const source = literalText(args[0]);
      const flags = args.length > 1 ? literalText(args[1]) : '';
      if (source !== undefined && flags !== undefined) {
        const owner = ownerOf?.(sourceFile, node);
        literals.push({ source, flags, where: where(node), ...(owner ? { owner } : {}) });
      } else {
        dynamic.push({ where: where(node), text: node.getText(sourceFile).slice(0, 160) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { literals, dynamic };
}

export function scanFiles(files: readonly string[]): Inventory {
  const literals: FoundRegex[] = [];
  const dynamic: DynamicRegex[] = [];
  for (const file of files) {
    const found = scanFile(file);
    literals.push(...found.literals);
    dynamic.push(...found.dynamic);
  }
  return { literals, dynamic };
}

/** Our own regexes: the rules (not their fixtures) and the server/engine sources. */
export function ourRegexes(): Inventory {
  return scanFiles([...sourceFiles(join(REPO, 'rules')), ...sourceFiles(join(REPO, 'server', 'src'))]);
}

export const SECRETLINT_PRESET = join(REPO, 'node_modules', '@secretlint', 'secretlint-rule-preset-recommend');

/** The compiled rule sources of secretlint's recommended preset (one rollup bundle). */
export function secretlintFiles(): string[] {
  const pkg = JSON.parse(readFileSync(join(SECRETLINT_PRESET, 'package.json'), 'utf8')) as { main?: string };
  const main = join(SECRETLINT_PRESET, pkg.main ?? 'module/index.js');
  if (!existsSync(main)) throw new Error(`secretlint preset entry ${main} is missing`);
  return [main];
}

/**
 * secretlint's regexes, each attributed to the rule whose code it sits in: rollup emits each
 * rule's helpers and then its `creator` object (with `meta.id`), so an expression belongs to the
 * first creator that ends after it. Bundled CommonJS dependencies (rollup's `requireX` wrappers)
 * are labelled as such.
 */
export function secretlintRegexes(): Inventory {
  const literals: FoundRegex[] = [];
  const dynamic: DynamicRegex[] = [];
  for (const file of secretlintFiles()) {
    let creators: Array<{ end: number; id: string }> | undefined;
    const ownerOf = (sourceFile: ts.SourceFile, node: ts.Node): string | undefined => {
      creators ??= creatorRanges(sourceFile);
      let top: ts.Node = node;
      while (top.parent && top.parent !== sourceFile) top = top.parent;
      if (ts.isFunctionDeclaration(top) && top.name?.text.startsWith('require')) return `bundled dependency (${top.name.text})`;
      return creators.find((creator) => creator.end >= node.getStart(sourceFile))?.id ?? 'preset';
    };
    const found = scanFile(file, ownerOf);
    literals.push(...found.literals);
    dynamic.push(...found.dynamic);
  }
  return { literals, dynamic };
}

function creatorRanges(sourceFile: ts.SourceFile): Array<{ end: number; id: string }> {
  const ranges: Array<{ end: number; id: string }> = [];
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.name.text.startsWith('creator')) continue;
      const id = /id:\s*"(@secretlint\/[^"]+)"/.exec(declaration.getText(sourceFile))?.[1];
      if (id) ranges.push({ end: statement.end, id });
    }
  }
  return ranges;
}
