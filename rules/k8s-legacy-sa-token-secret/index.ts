import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, pairSpan, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import docs from './docs.md';

const TOKEN_TYPE = 'kubernetes.io/service-account-token';

export default defineRule({
  id: 'k8s-legacy-sa-token-secret',
  category: 'missing-ttl',
  defaultSeverity: 'error',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: [TOKEN_TYPE],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const [docIndex, yaml] of document.yaml().entries()) {
      const root = yaml.contents;
      if (scalarString(valueOf(root, 'kind')) !== 'Secret') continue;
      const typePair = pairOf(root, 'type');
      if (scalarString(typePair?.value) !== TOKEN_TYPE) continue;
      const metadata = valueOf(root, 'metadata');
      const name = scalarString(valueOf(metadata, 'name')) ?? '(unnamed)';
      const account = scalarString(valueOf(valueOf(metadata, 'annotations'), 'kubernetes.io/service-account.name'));
      report({
        span: pairSpan(typePair!)!,
        message: `Secret '${name}' holds a non-expiring token${account ? ` for service account '${account}'` : ''}; request short-lived tokens (TokenRequest, projected volumes) instead.`,
        construct: `${scalarString(valueOf(metadata, 'namespace')) ?? ''}/${name}`,
        data: { docIndex },
      });
    }
  },
  fix({ document, finding }) {
    const docIndex = finding.data?.docIndex as number;
    const span = documentBlock(document.text, document.yaml().map((doc) => doc.range), docIndex);
    if (!span) return [];
    // Not preferred: whoever reads this token (a CI system, a dashboard) must move to
    // `kubectl create token --duration` or a projected volume first; the docs say how.
    return [{ title: 'Delete this token Secret (consumers switch to short-lived tokens)', edits: [{ span, newText: '' }] }];
  },
});

const MARKER = /^---[ \t]*(?:#[^\n]*)?$/gm;

/**
 * The text of one YAML document in a stream: from its own `---` marker (comments after the marker
 * belong to it), or for a first document without a marker from its first line so the file's
 * header comments stay, to the end of its last line. Text after it (comments before the next
 * marker, a Helm `{{- end }}`) stays.
 */
function documentBlock(text: string, ranges: ReadonlyArray<readonly [number, number, number]>, index: number): [number, number] | undefined {
  const range = ranges[index];
  if (!range) return undefined;
  const previousEnd = index > 0 ? ranges[index - 1]![2] : 0;
  let ownMarker: number | undefined;
  for (const match of text.matchAll(MARKER)) {
    if (match.index >= range[0]) break;
    if (match.index >= previousEnd) ownMarker = match.index;
  }
  const start = ownMarker ?? text.lastIndexOf('\n', range[0] - 1) + 1;
  const lastLineEnd = text.indexOf('\n', Math.max(range[1] - 1, start));
  return [start, lastLineEnd === -1 ? text.length : lastLineEnd + 1];
}
