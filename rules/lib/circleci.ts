import { CST, isMap, isScalar, isSeq, Parser, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { mapEntries, scalarString, valueOf } from '../../server/src/engine/parse/yaml';

/** A `jobs:`, reusable `commands:` or `workflows:` entry of a CircleCI config: where steps and orb jobs run. */
export interface CircleUnit {
  readonly kind: 'job' | 'command' | 'workflow';
  readonly name: string;
  readonly node: Node;
}

export function* circleUnits(document: ParsedDocument): Generator<CircleUnit> {
  for (const yaml of document.yaml()) {
    for (const kind of ['job', 'command', 'workflow'] as const) {
      for (const { key, pair } of mapEntries(valueOf(yaml.contents, `${kind}s`))) {
        if (pair.value) yield { kind, name: key, node: pair.value };
      }
    }
  }
}

/** Every `key: value` pair under `node`, at any depth (steps, orb parameters, nested `when:` steps). */
export function* allPairs(node: unknown, depth = 0): Generator<Pair<Node, Node | null>> {
  if (depth > 64) return;
  if (isSeq(node)) {
    for (const item of node.items) yield* allPairs(item, depth + 1);
  } else if (isMap(node)) {
    for (const { pair } of mapEntries(node)) {
      yield pair;
      yield* allPairs(pair.value, depth + 1);
    }
  }
}

/** The shell command of a `run:` step: `run: <script>` or `run: { command: <script> }`. */
export function runCommand(pair: Pair<Node, Node | null>): Node | undefined {
  if (!isScalar(pair.key) || pair.key.value !== 'run') return undefined;
  if (isScalar(pair.value)) return pair.value;
  const command = valueOf(pair.value, 'command');
  return isScalar(command) ? command : undefined;
}

/** Every `run:` command under a node. */
export function runCommands(node: unknown): Node[] {
  const commands: Node[] = [];
  for (const pair of allPairs(node)) {
    const command = runCommand(pair);
    if (command && scalarString(command)) commands.push(command);
  }
  return commands;
}

/** `environment:` maps under a node (job, executor, docker image, run step). */
export function environmentMaps(node: unknown): unknown[] {
  const maps: unknown[] = [];
  for (const pair of allPairs(node)) {
    if (isScalar(pair.key) && pair.key.value === 'environment' && isMap(pair.value)) maps.push(pair.value);
  }
  return maps;
}

/** A reference (`$VAR`, `${VAR}`, `<< parameters.x >>`, `<< pipeline.parameters.x >>`) rather than a literal. */
export function isCircleReference(value: string): boolean {
  return value.includes('$') || value.includes('<<');
}

/** Every map under `node` that has an `environment:` map, with that map (job, docker image, run step), at any depth. */
export function* environmentOwners(node: unknown, depth = 0): Generator<{ owner: YAMLMap<unknown, unknown>; env: YAMLMap<unknown, unknown> }> {
  if (depth > 64) return;
  if (isSeq(node)) {
    for (const item of node.items) yield* environmentOwners(item, depth + 1);
  } else if (isMap(node)) {
    const env = valueOf(node, 'environment');
    if (isMap(env)) yield { owner: node as YAMLMap<unknown, unknown>, env: env as YAMLMap<unknown, unknown> };
    for (const { pair } of mapEntries(node)) yield* environmentOwners(pair.value, depth + 1);
  }
}

/**
 * Gives a bare step (`- aws-cli/setup`, an item of a sequence from `editableSeq`) parameters:
 * `yamlText` holds its `key: value` lines at indent 0. The step keeps its `- ` and any trailing
 * comment, which moves after the new `aws-cli/setup:` key.
 */
export function bareStepWithParameters(seq: CST.BlockSequence, item: CST.CollectionItem, yamlText: string): boolean {
  const value = item.value;
  if (!value || value.type !== 'scalar') return false;
  const dash = item.start.findIndex((token) => token.type === 'seq-item-ind');
  const gap = item.start[dash + 1];
  if (dash === -1 || gap?.type !== 'space' || dash + 2 !== item.start.length) return false;
  const column = seq.indent + 1 + gap.source.length;
  const parameters = yamlText
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? ' '.repeat(column + 2) + line : line))
    .join('\n');
  const parsed = [...new Parser().parse(`_:\n${' '.repeat(seq.indent)}-${gap.source}${value.source}:\n${parameters}\n`)].find((token) => token.type === 'document');
  const holder = parsed?.type === 'document' && parsed.value?.type === 'block-map' ? parsed.value.items[0] : undefined;
  const map = holder?.value?.type === 'block-seq' ? holder.value.items[0]?.value : undefined;
  const first = map?.type === 'block-map' ? map.items[0] : undefined;
  if (!map || !first?.sep || first.sep[0]?.type !== 'map-value-ind') return false;
  const comment = (value.end ?? []).filter((token) => token.type !== 'newline');
  first.sep.splice(1, 0, ...comment);
  item.value = map;
  return true;
}
