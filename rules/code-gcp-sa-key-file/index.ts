import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { named, nodeAt, parentOf, removeItems } from '../lib/syntax';
import docs from './docs.md';

/**
 * Where Google client code loads a service-account key file: Python `from_service_account_file` /
 * `from_service_account_json`, Java `GoogleCredentials.fromStream`, JS `keyFile` / `keyFilename`
 * options. One alternation of literal words, so linear.
 */
const CANDIDATE = /\b(?:from_service_account_file|from_service_account_json|fromStream|keyFilename|keyFile)\b/g;

/** The JS options are generic words: they count only in files that use a Google client library. */
const GOOGLE_JS_IMPORT = /['"](?:google-auth-library|googleapis|@google-cloud\/[\w.-]{1,64}|firebase-admin)['"]/;

interface Found {
  node: SyntaxNode;
  construct: string;
  how: string;
  edits?: TextEdit[];
}

export default defineRule({
  id: 'code-gcp-sa-key-file',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript', 'python', 'java'],
  keywords: ['from_service_account_file', 'from_service_account_json', 'fromstream', 'keyfile'],
  pattern: CANDIDATE,
  syntax: 'code',
  docs,
  check({ document, report }) {
    const text = document.text;
    const language = document.codeLanguage!;
    const javascript = language === 'javascript' || language === 'typescript' || language === 'tsx';
    // `keyFile` and `fromStream` are common words: parse only where the Google library is in use.
    if (javascript && !GOOGLE_JS_IMPORT.test(text)) return;
    if (language === 'java' && !/\b(?:GoogleCredentials|ServiceAccountCredentials)\b/.test(text)) return;
    const root = document.tree(language).rootNode;
    for (const match of text.matchAll(CANDIDATE)) {
      const found = keyFileAt(root, match.index, match[0], text, javascript);
      if (!found) continue;
      report({
        span: [found.node.startIndex, found.node.endIndex],
        message: `${found.how} loads a Google service-account key file: a long-lived private key that works from anywhere until someone deletes it. Use Application Default Credentials instead, fed by workload identity federation, GKE workload identity or the metadata server, and delete the key.`,
        construct: found.construct,
        data: found.edits ? { edits: found.edits } : {},
        fixable: found.edits !== undefined,
      });
    }
  },
  fix({ finding }) {
    const { edits } = finding.data as { edits: TextEdit[] };
    return [{ title: 'Use Application Default Credentials instead of the key file', edits, isPreferred: true }];
  },
});

function keyFileAt(root: SyntaxNode, index: number, name: string, text: string, javascript: boolean): Found | undefined {
  const node = nodeAt(root.tree, index);
  if (!node || node.startIndex !== index) return undefined;
  if (name === 'keyFile' || name === 'keyFilename') return javascript ? jsKeyOption(node, name, text) : undefined;
  if (name === 'fromStream') return javaFromStream(node);
  return pythonFromFile(node, name, text);
}

/** `new GoogleAuth({ keyFile: … })`, `new Storage({ keyFilename: … })`: the fix drops the option. */
function jsKeyOption(node: SyntaxNode, name: string, text: string): Found | undefined {
  // `{ keyFile: … }`, `{ 'keyFile': … }` or the shorthand `{ keyFile }`.
  const shorthand = node.type === 'shorthand_property_identifier';
  const key = node.type === 'property_identifier' || shorthand ? node : parentOf(node);
  const pair = shorthand ? node : parentOf(key);
  if (!pair || (!shorthand && (pair.type !== 'pair' || pair.childForFieldName('key')?.id !== key?.id))) return undefined;
  const object = parentOf(pair);
  const args = parentOf(object);
  const call = parentOf(args);
  if (object?.type !== 'object' || args?.type !== 'arguments' || named(args)[0]?.id !== object.id) return undefined;
  if (call?.type !== 'new_expression') return undefined;
  const constructor = call.childForFieldName('constructor')?.text ?? 'client';
  const edits = removeItems(text, named(object), new Set([pair.id]));
  return { node: pair, construct: `${constructor}:${shape(object)}`, how: `new ${constructor}({ ${name} })`, ...(edits ? { edits } : {}) };
}

/** Java `GoogleCredentials.fromStream(…)` / `ServiceAccountCredentials.fromStream(…)`. */
function javaFromStream(node: SyntaxNode): Found | undefined {
  const call = parentOf(node);
  if (call?.type !== 'method_invocation' || call.childForFieldName('name')?.id !== node.id) return undefined;
  const object = call.childForFieldName('object')?.text ?? '';
  const owner = object.split('.').pop()!;
  if (owner !== 'GoogleCredentials' && owner !== 'ServiceAccountCredentials') return undefined;
  return { node: call.childForFieldName('name')!, construct: `${owner}.fromStream:${shape(call.childForFieldName('arguments'))}`, how: `${owner}.fromStream(…)` };
}

/**
 * Python `service_account.Credentials.from_service_account_file(…)` and a client's
 * `storage.Client.from_service_account_json(…)`; for a client class the fix calls the constructor
 * with the remaining arguments, which uses Application Default Credentials.
 */
function pythonFromFile(node: SyntaxNode, name: string, text: string): Found | undefined {
  const attribute = parentOf(node);
  if (attribute?.type !== 'attribute' || attribute.childForFieldName('attribute')?.id !== node.id) return undefined;
  const call = parentOf(attribute);
  if (call?.type !== 'call' || call.childForFieldName('function')?.id !== attribute.id) return undefined;
  const owner = attribute.childForFieldName('object')!;
  const found: Found = { node, construct: `${owner.text}.${name}:${shape(call.childForFieldName('arguments'))}`, how: `${owner.text}.${name}(…)` };
  const args = call.childForFieldName('arguments');
  const items = named(args);
  const first = items[0];
  // A client class (`storage.Client`), not a credentials class, and the key path passed first.
  const ownerName = owner.text.split('.').pop() ?? '';
  if (!ownerName.endsWith('Client') || !/^[A-Z]/.test(ownerName) || !first || first.type === 'keyword_argument' || first.type === 'list_splat' || first.type === 'dictionary_splat') return found;
  const edits = removeItems(text, items, new Set([first.id]));
  if (!edits) return found;
  return { ...found, edits: [{ span: [owner.endIndex, attribute.endIndex], newText: '' }, ...edits] };
}

/** A node's text without layout: two calls in one file get distinct identities. */
function shape(node: SyntaxNode | null | undefined): string {
  return (node?.text ?? '').replace(/\s+/g, '').slice(0, 200);
}

