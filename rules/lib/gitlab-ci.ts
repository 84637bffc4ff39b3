import { CST, isMap, isScalar, isSeq, Parser, type Node, type Pair, type YAMLMap } from 'yaml';
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

/**
 * Each shell command of a script (lines joined at `\\` continuations and PowerShell's backtick
 * ones, split at `;`, `&&`, `||`, `|`), as words.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.replace(/[\\`]\r?\n/g, ' ').split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    for (const command of line.split(/&&|\|\||[;|]/)) {
      const words = command.trim().split(/\s+/).filter(Boolean);
      if (words.length > 0) commands.push(words);
    }
  }
  return commands;
}

/** A publish command that only rehearses (`npm publish --dry-run`, `cargo publish -n`): it uploads nothing, so its token is not used. */
export function isDryRun(words: readonly string[], shortFlag?: string): boolean {
  return words.some((word) => word === '--dry-run' || word === '--dryrun' || (shortFlag !== undefined && word === shortFlag));
}

/** The span of the first `needle` in a node's source text. */
export function spanOf(document: ParsedDocument, node: unknown, needle: string, from = 0): readonly [number, number] | undefined {
  const raw = rawText(document, node);
  if (!raw) return undefined;
  const at = raw.text.indexOf(needle, from);
  return at === -1 ? undefined : [raw.start + at, raw.start + at + needle.length];
}

/* ---- Quick fixes: job sequences and script lines edited through the YAML CST ---- */

/**
 * The global `variables:` of a file reach every job of the pipeline, so a fix may only remove one
 * when it can see every job that reads it: the main CI file (an included `.gitlab/ci/` file's
 * globals merge into the pipeline's), with no `include:`, defining exactly one job.
 */
export function soleJob(document: ParsedDocument): GitlabJob | undefined {
  return document.derived(findSoleJob);
}

function findSoleJob(document: ParsedDocument): GitlabJob | undefined {
  if (/(^|\/)\.gitlab\/ci\//.test(document.path.replace(/\\/g, '/').toLowerCase())) return undefined;
  let only: GitlabJob | undefined;
  for (const job of gitlabJobs(document)) {
    if (only) return undefined;
    only = job;
  }
  for (const yaml of document.yaml()) if (valueOf(yaml.contents, 'include') !== undefined) return undefined;
  return only;
}

/**
 * A one-line plain or quoted scalar a fix may rewrite: not anchored (an alias elsewhere would
 * change with it) and not tagged.
 */
export function isOneLineScalar(document: ParsedDocument, node: unknown): boolean {
  if (!isScalar(node) || node.anchor || node.tag || !['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(node.type ?? '')) return false;
  const raw = rawText(document, node);
  return raw !== undefined && !raw.text.includes('\n');
}

/** A one-line scalar written on its key's line (`script: aws s3 sync ...`), which a fix can turn into a list or a block. */
export function isInlineValue(document: ParsedDocument, pair: Pair<unknown, unknown> | undefined): boolean {
  const keyEnd = nodeSpan(pair?.key as Node)?.[1];
  const valueStart = nodeSpan(pair?.value as Node)?.[0];
  return isOneLineScalar(document, pair?.value) && keyEnd !== undefined && valueStart !== undefined && !document.text.slice(keyEnd, valueStart).includes('\n');
}

/** A literal block scalar (`|`, `|-`, `|+`, maybe with a comment) the CST can rewrite line by line; folded, anchored and indentation-indicator ones are not. */
export function isLiteralBlock(document: ParsedDocument, node: unknown): boolean {
  if (!isScalar(node) || node.anchor || node.tag || node.type !== 'BLOCK_LITERAL') return false;
  const raw = rawText(document, node);
  return raw !== undefined && /^\|[-+]?(?:[ \t]|\r?\n)/.test(raw.text);
}

/**
 * Whether line `index` of a script is a command of its own: not inside a `\` continuation, a
 * heredoc, an `if`/`for` body or a pipeline, so it can be removed or preceded by a line.
 */
export function isStandaloneLine(lines: readonly string[], index: number): boolean {
  const line = lines[index];
  if (line === undefined || line.trim() === '' || line.trimEnd().endsWith('\\')) return false;
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  if (line.length - line.trimStart().length !== Math.min(...indents)) return false;
  // A heredoc (`<<EOF`, `<<-'EOF'`) before it may enclose it; CircleCI's `<< parameters.x >>` is no heredoc.
  for (let i = 0; i < index; i++) if (/<<-?\s*(['"]?)[A-Za-z_]\w*\1(?![\w.])/.test(lines[i]!)) return false;
  // Nor the body of an unindented `if`/`for`/`{`, nor the tail of a pipeline or `&&` chain.
  const previous = lines.slice(0, index).reverse().find((l) => l.trim() !== '')?.trim();
  return previous === undefined || !/(?:\\|\bthen|\bdo|\belse|[{(|]|&&)$/.test(previous);
}

/** The CST item under `container` whose value starts at `offset` (a `yaml` node's `range[0]`). */
export function cstItemAt(container: CST.Token, offset: number): CST.CollectionItem | undefined {
  let found: CST.CollectionItem | undefined;
  CST.visit({ start: [], value: container }, (item, path) => {
    if (path.length > 0 && item.value?.offset === offset) found = item;
    return found ? CST.visit.BREAK : undefined;
  });
  return found;
}

const adoptedSeqs = new WeakSet<CST.BlockSequence>();

/**
 * The block sequence that is `owner`'s value, for editing: the lines before its first item
 * (comments and indentation, which the CST gives to the owner's separator) move into that item,
 * so every item owns its lines, as YamlCstEditor does for maps.
 */
export function editableSeq(owner: CST.CollectionItem | undefined): CST.BlockSequence | undefined {
  const seq = owner?.value;
  if (seq?.type !== 'block-seq') return undefined;
  if (!adoptedSeqs.has(seq)) {
    adoptedSeqs.add(seq);
    const sep = owner!.sep ?? [];
    const newline = sep.findIndex((token) => token.type === 'newline');
    if (newline !== -1 && seq.items[0]) seq.items[0].start.unshift(...sep.splice(newline + 1));
  }
  return seq;
}

/** Parses `- item` entries written at indent 0 (comments allowed) into items indented for `indent`. */
function seqSnippet(yamlText: string, indent: number): CST.BlockSequence {
  const pad = ' '.repeat(indent);
  const body = yamlText
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
  const parsed = [...new Parser().parse(`_:\n${body}\n`)].find((token) => token.type === 'document');
  const holder = parsed?.type === 'document' && parsed.value?.type === 'block-map' ? parsed.value.items[0] : undefined;
  const seq = editableSeq(holder);
  if (!seq) throw new Error('seqSnippet expects block-sequence YAML');
  return seq;
}

/** Inserts `- item` entries (YAML written at indent 0) into a sequence from `editableSeq`, at item `position`. */
export function insertSeqItems(seq: CST.BlockSequence, yamlText: string, position = 0): void {
  const at = Math.max(0, Math.min(position, seq.items.length));
  endLine(seq.items[at - 1]);
  seq.items.splice(at, 0, ...seqSnippet(yamlText, seq.indent).items);
  indentSeqItems(seq);
}

/** Removes one item (with the comment lines above it) from a sequence from `editableSeq`; never empties it. */
export function removeSeqItem(seq: CST.BlockSequence, item: CST.CollectionItem): boolean {
  const index = seq.items.indexOf(item as CST.BlockSequence['items'][number]);
  if (index === -1 || seq.items.filter((candidate) => candidate.value).length < 2) return false;
  seq.items.splice(index, 1);
  indentSeqItems(seq);
  return true;
}

/**
 * Turns `key: <one-line scalar>` into a block sequence of the `yamlText` items followed by the
 * scalar itself, token for token (its quoting and trailing comment kept), indented at `indent`.
 */
export function scalarToSeq(owner: CST.CollectionItem, yamlText: string, indent: number): boolean {
  const value = owner.value;
  const sep = owner.sep ?? [];
  if (!value || !CST.isScalar(value) || value.type === 'block-scalar') return false;
  if (sep[0]?.type !== 'map-value-ind' || sep.slice(1).some((token) => token.type !== 'space')) return false;
  const seq = seqSnippet(yamlText, indent);
  const last = seq.items[seq.items.length - 1];
  endLine(last);
  seq.items.push({
    start: [
      { type: 'space', offset: 0, indent: 0, source: ' '.repeat(indent) },
      { type: 'seq-item-ind', offset: 0, indent, source: '-' },
      { type: 'space', offset: 0, indent: indent + 1, source: ' ' },
    ],
    value,
  });
  owner.sep = [sep[0], { type: 'newline', offset: 0, indent: 0, source: '\n' }];
  owner.value = seq;
  return true;
}

/**
 * Sets a script scalar to `value` as a literal block (`|`) whose lines are indented at `indent`
 * columns; a plain or quoted scalar becomes one, its trailing comment moving to the header.
 */
export function setLiteralScript(token: CST.Token, value: string, indent: number): boolean {
  if (!CST.isScalar(token)) return false;
  const scalar = token as CST.FlowScalar | CST.BlockScalar;
  const saved = scalar.indent;
  scalar.indent = indent;
  CST.setScalarValue(scalar, value, { type: 'BLOCK_LITERAL' });
  (token as CST.BlockScalar).indent = saved;
  return token.type === 'block-scalar' && token.props[0]?.type === 'block-scalar-header' && token.props[0].source.startsWith('|');
}

/** The column a literal block's lines start at (its least indented non-blank line). */
export function literalIndent(token: CST.Token): number | undefined {
  if (token.type !== 'block-scalar') return undefined;
  const indents = token.source
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  return indents.length ? Math.min(...indents) : undefined;
}

/** Every item with a `-` line gets the sequence's indentation right before its `-`. */
function indentSeqItems(seq: CST.BlockSequence): void {
  if (seq.indent === 0) return;
  for (const item of seq.items) {
    const dash = item.start.findIndex((token) => token.type === 'seq-item-ind');
    if (dash === -1 || item.start[dash - 1]?.type === 'space') continue;
    item.start.splice(dash, 0, { type: 'space', offset: 0, indent: 0, source: ' '.repeat(seq.indent) });
  }
}

/** An item before an insertion must end its line, or the new entry would join it. */
function endLine(item: CST.CollectionItem | undefined): void {
  const value = item?.value;
  if (!value || !CST.isScalar(value) || value.type === 'block-scalar') return;
  const end = ((value as CST.FlowScalar).end ??= []);
  if (!end.some((token) => token.type === 'newline')) end.push({ type: 'newline', offset: 0, indent: 0, source: '\n' });
}
