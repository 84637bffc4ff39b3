import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { mapEntries, nodeSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';

/** Top-level keys of a GitLab CI file that are not jobs. */
const GLOBAL_KEYS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec', 'types',
]);

export interface GitlabJob {
  readonly name: string;
  readonly job: YAMLMap<unknown, unknown>;
  readonly root: YAMLMap<unknown, unknown>;
}

/**
 * Every job of every YAML document of a GitLab CI file (hidden `.template` jobs included): the
 * top-level maps that are not global keywords. The `spec:` header document of a CI/CD component
 * holds no jobs and is skipped by the same test.
 */
export function* gitlabJobs(document: ParsedDocument): Generator<GitlabJob> {
  for (const yaml of document.yaml()) {
    const root = yaml.contents;
    if (!isMap(root)) continue;
    for (const { key, pair } of mapEntries(root)) {
      if (GLOBAL_KEYS.has(key) || !isMap(pair.value)) continue;
      yield { name: key, job: pair.value as YAMLMap<unknown, unknown>, root: root as YAMLMap<unknown, unknown> };
    }
  }
}

/** `variables:` maps with their owner: the global block (job undefined) and each job's block. */
export function* gitlabVariableMaps(document: ParsedDocument): Generator<{ variables: unknown; job?: GitlabJob }> {
  for (const yaml of document.yaml()) {
    if (isMap(yaml.contents)) yield { variables: valueOf(yaml.contents, 'variables') };
  }
  for (const job of gitlabJobs(document)) yield { variables: valueOf(job.job, 'variables'), job };
}

/** The value node of a variable: `NAME: value` or `NAME: { value: ..., description: ... }`. */
export function variableValue(pair: Pair<Node, Node | null>): Node | null | undefined {
  return isMap(pair.value) ? valueOf(pair.value, 'value') : pair.value;
}

/** Every scalar line of a job's `before_script`, `script` and `after_script` (nested lists flattened). */
export function scriptScalars(job: YAMLMap<unknown, unknown>): Node[] {
  const found: Node[] = [];
  const collect = (node: unknown) => {
    if (isScalar(node)) found.push(node);
    else if (isSeq(node)) for (const item of node.items) collect(item);
  };
  for (const key of ['before_script', 'script', 'after_script']) collect(valueOf(job, key));
  return found;
}

/** Every scalar anywhere under `node` (values only, not keys). */
export function* allScalars(node: unknown): Generator<Node> {
  if (isScalar(node)) yield node;
  else if (isSeq(node)) for (const item of node.items) yield* allScalars(item);
  else if (isMap(node)) for (const item of node.items) yield* allScalars(item.value);
}

/** A CI variable reference (`$NAME`, `${NAME}`, `$[[ inputs.x ]]`) rather than a literal value. */
export function isReference(value: string): boolean {
  return value.includes('$');
}

/** Source text of a node, exactly as written (quotes and block indicators included). */
export function rawText(document: ParsedDocument, node: unknown): { text: string; start: number } | undefined {
  const span = nodeSpan(node as Node);
  return span ? { text: document.text.slice(span[0], span[1]), start: span[0] } : undefined;
}

/** Hidden or regular jobs named in a job's `extends:` that this file defines. */
export function extendedJobs(job: GitlabJob): { names: string[]; missing: boolean } {
  const value = valueOf(job.job, 'extends');
  const names = isSeq(value) ? value.items.map(scalarString).filter((n): n is string => n !== undefined) : [scalarString(value)].filter((n): n is string => n !== undefined);
  return { names, missing: names.some((name) => !isMap(valueOf(job.root, name))) };
}

/** Each shell command of a script (lines joined at `\\` continuations, split at `;`, `&&`, `||`, `|`), as words. */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.replace(/\\\r?\n/g, ' ').split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    for (const command of line.split(/&&|\|\||[;|]/)) {
      const words = command.trim().split(/\s+/).filter(Boolean);
      if (words.length > 0) commands.push(words);
    }
  }
  return commands;
}

/** The span of the first `needle` in a node's source text. */
export function spanOf(document: ParsedDocument, node: unknown, needle: string, from = 0): readonly [number, number] | undefined {
  const raw = rawText(document, node);
  if (!raw) return undefined;
  const at = raw.text.indexOf(needle, from);
  return at === -1 ? undefined : [raw.start + at, raw.start + at + needle.length];
}
