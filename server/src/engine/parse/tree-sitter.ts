import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Tree } from '@vscode/tree-sitter-wasm';
import type { ParserNeed } from '../types';

export type { Tree, Node as SyntaxNode } from '@vscode/tree-sitter-wasm';

export type TreeSitterLanguage = Exclude<ParserNeed, 'yaml'>;

/** A parse abandoned because it would not finish in time proportional to the input. */
export class ParseBudgetError extends Error {
  constructor(
    readonly language: ParserNeed,
    readonly length: number,
  ) {
    super(`the ${language} syntax tree of this ${length}-character file could not be built in time; syntax-based rules were skipped`);
    this.name = 'ParseBudgetError';
  }
}

/** Grammar wasm files: VS Code's own set for code, the tree-sitter-grammars build for HCL. */
const GRAMMAR_FILES: Record<TreeSitterLanguage, { file: string; module: string }> = {
  javascript: { file: 'tree-sitter-javascript.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  typescript: { file: 'tree-sitter-typescript.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  tsx: { file: 'tree-sitter-tsx.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  python: { file: 'tree-sitter-python.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  go: { file: 'tree-sitter-go.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  java: { file: 'tree-sitter-java.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  bash: { file: 'tree-sitter-bash.wasm', module: '@vscode/tree-sitter-wasm/wasm/' },
  hcl: { file: 'tree-sitter-hcl.wasm', module: '@tree-sitter-grammars/tree-sitter-hcl/' },
};

/**
 * Where a wasm file lives: beside the bundle (`dist/wasm/`, copied by esbuild.mjs) when running
 * bundled, else in node_modules (tests run from source).
 */
function locateWasm(file: string, module: string): string {
  const bundled = join(__dirname, 'wasm', file);
  if (existsSync(bundled)) return bundled;
  return require.resolve(module + file);
}

let runtime: Promise<void> | undefined;
const languages = new Map<TreeSitterLanguage, Promise<Language>>();
const parsers = new Map<TreeSitterLanguage, Parser>();

function initRuntime(): Promise<void> {
  return (runtime ??= Parser.init({
    locateFile: (file: string) => locateWasm(file, '@vscode/tree-sitter-wasm/wasm/'),
  }));
}

/** Loads a grammar once per process; later calls share the same promise. */
export function loadLanguage(language: TreeSitterLanguage): Promise<Language> {
  let loaded = languages.get(language);
  if (!loaded) {
    const { file, module } = GRAMMAR_FILES[language];
    loaded = initRuntime().then(() => Language.load(locateWasm(file, module)));
    languages.set(language, loaded);
  }
  return loaded;
}

/** True once `loadLanguage(language)` has resolved, so parsing can be synchronous. */
export function isLanguageLoaded(language: TreeSitterLanguage): boolean {
  return parsers.has(language);
}

export async function ensureLanguage(language: TreeSitterLanguage): Promise<void> {
  if (parsers.has(language)) return;
  const grammar = await loadLanguage(language);
  if (!parsers.has(language)) {
    const parser = new Parser();
    parser.setLanguage(grammar);
    parsers.set(language, parser);
  }
}

/**
 * Parses synchronously; the language must have been loaded with `ensureLanguage` first. With
 * `previous` (the tree of an earlier version, already `edit`ed to match `text`), tree-sitter
 * reuses its unchanged parts: an edit costs about as much as the changed region, not the file.
 */
export function parseWith(language: TreeSitterLanguage, text: string, previous?: Tree): Tree {
  const parser = parsers.get(language);
  if (!parser) throw new Error(`tree-sitter grammar '${language}' is not loaded`);
  // Error recovery on hostile input can be far slower than linear: give up past a budget that
  // grows with the input. tree-sitter calls back every fixed number of parse operations, so
  // counting calls is a deterministic budget (real code takes about one call per 100 to 150
  // characters; it allows ten times that). Error recovery can make single operations slow, so a
  // wall clock (250 ms plus 1 ms per 600 characters, ~0.6 MB/s at worst) bounds the time too; its
  // floor keeps a cold start or a loaded machine from giving up on ordinary files.
  const maxCalls = 200 + Math.ceil(text.length / 10);
  const deadline = performance.now() + 250 + text.length / 600;
  let calls = 0;
  let exhausted = false;
  const tree = parser.parse(text, previous ?? null, {
    progressCallback: () => (exhausted = ++calls > maxCalls || ((calls & 7) === 0 && performance.now() > deadline)),
  });
  if (!tree) {
    // A parse stopped by the callback would otherwise resume, on the next call, where it stopped:
    // that next call is for another text, which would get this one's tree.
    parser.reset();
    if (exhausted) throw new ParseBudgetError(language, text.length);
    throw new Error(`tree-sitter could not parse as '${language}'`);
  }
  return tree;
}
