import { isMap, isNode, isPair, isScalar, isSeq, Scalar, type Node, type Pair } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix } from '../../server/src/engine/types';
import { environmentName } from './literal-to-env';

/**
 * The safe pattern for a secret written as a value in a CI workflow or a Compose file: a reference
 * the platform fills in at run time, so the value lives in its secret store and rotating it needs
 * no commit.
 *
 * - GitHub Actions `env:` entries and step `with:` inputs: `${{ secrets.NAME }}`, a repository or
 *   environment secret, masked in logs.
 * - Docker Compose `environment:` entries (map or `KEY=value` list): `${NAME:?NAME is not set}`,
 *   read from the shell or the project's `.env` when the stack starts, failing closed when unset.
 *
 * Offered only where the secret is the whole value, so nothing else in the file changes.
 */

/** Where a secret sits: the value's span and the name the reference should take. */
interface CiSecretSite {
  readonly style: 'github-actions' | 'compose';
  readonly name: string;
}

/**
 * The site of the secret at `[start, end)` when it is a whole value a reference can replace: a
 * value under env/with (workflows) or environment (Compose), or the part after `=` of a Compose
 * list entry. Found by descending to the scalar at `start` through the nodes that hold it, not
 * by walking the document: a keystroke in a large workflow with a finding costs a few nodes.
 */
function ciSecretSite(document: ParsedDocument, [start, end]: readonly [number, number]): CiSecretSite | undefined {
  const style = document.kinds.has('github-actions') ? 'github-actions' : document.kinds.has('docker-compose') ? 'compose' : undefined;
  if (!style) return undefined;
  const text = document.text;
  const yamlDocument = document.yamlAt(start);
  if (!yamlDocument) return undefined;
  const path: unknown[] = [yamlDocument];
  const scalar = scalarAt(yamlDocument.contents, start, path);
  if (!scalar) return undefined;
  const range = scalar.range!;
  const parent = path[path.length - 1];
  // `KEY: value` in a map under env/with/environment.
  if (isPair(parent) && parent.value === scalar && isScalar(parent.key)) {
    const container = parentKey(path, path.length - 2);
    const allowed = style === 'github-actions' ? container === 'env' || container === 'with' : container === 'environment';
    const content = allowed ? contentSpan(scalar, text) : undefined;
    return content && content[0] === start && content[1] === end ? { style, name: String(parent.key.value) } : undefined;
  }
  // `- KEY=value` in a Compose environment list: the secret is the whole text after `=`.
  if (style === 'compose' && isSeq(parent) && scalar.type === Scalar.PLAIN && parentKey(path, path.length - 1) === 'environment') {
    const source = text.slice(range[0], range[1]).trimEnd();
    const equals = source.indexOf('=');
    return equals > 0 && range[0] + equals + 1 === start && range[0] + source.length === end ? { style, name: source.slice(0, equals) } : undefined;
  }
  return undefined;
}

/** The scalar whose range holds `offset` under `node`; `path` gets the collections and pairs above it, outermost first (as yaml's `visit` gives them). */
function scalarAt(node: unknown, offset: number, path: unknown[]): Scalar | undefined {
  const holds = (child: unknown) => isNode(child) && !!child.range && child.range[0] <= offset && offset < child.range[1];
  for (;;) {
    if (isScalar(node)) return holds(node) ? node : undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => holds(item.key) || holds(item.value));
      if (!pair) return undefined;
      path.push(node, pair);
      node = holds(pair.key) ? pair.key : pair.value;
    } else if (isSeq(node)) {
      const item = node.items.find(holds);
      if (item === undefined) return undefined;
      path.push(node);
      node = item;
    } else {
      return undefined;
    }
  }
}

/** The span of a scalar's content: plain, or quoted without escapes (so text and value agree). */
function contentSpan(scalar: Scalar, text: string): readonly [number, number] | undefined {
  const [from, to] = scalar.range!;
  if (scalar.type === Scalar.PLAIN) return [from, from + text.slice(from, to).trimEnd().length];
  if (scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE) {
    const end = text.lastIndexOf(text[from]!, to - 1);
    const content = text.slice(from + 1, end);
    if (end <= from || content.includes('\\') || content.includes("'")) return undefined;
    return [from + 1, end];
  }
  return undefined;
}

/** The key of the pair that holds `path[index]` (a map or a sequence), if any. */
function parentKey(path: readonly unknown[], index: number): string | undefined {
  const holder = path[index];
  if (!isMap(holder) && !isSeq(holder)) return undefined;
  const pair = path[index - 1];
  return isPair(pair) && isScalar((pair as Pair<Node, Node>).key) ? String(((pair as Pair<Node, Node>).key as Scalar).value) : undefined;
}

/** Whether the secret is a whole value where a CI secret reference can replace it. */
export function hasCiSecretSite(document: ParsedDocument, span: readonly [number, number]): boolean {
  return ciSecretSite(document, span) !== undefined;
}

/** The fix for a secret literal in a workflow or Compose file, or none when it is not a whole value there. */
export function ciSecretReferenceFixes(document: ParsedDocument, span: readonly [number, number]): Fix[] {
  const site = ciSecretSite(document, span);
  if (!site) return [];
  let name = environmentName(site.name);
  // GitHub reserves the GITHUB_ prefix for secret names.
  if (site.style === 'github-actions' && name.startsWith('GITHUB_')) name = name.slice('GITHUB_'.length);
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) return [];
  if (site.style === 'github-actions') {
    return [{ title: `Read it from the repository secret ${name} (\${{ secrets.${name} }})`, edits: [{ span, newText: `\${{ secrets.${name} }}` }] }];
  }
  return [{ title: `Read it from the ${name} variable when the stack starts (fail when unset)`, edits: [{ span, newText: `\${${name}:?${name} is not set}` }] }];
}
