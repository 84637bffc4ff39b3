import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
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
