import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { pairOf, scalarString, valueOf, yamlEditKeepsParsing } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix, Span } from '../../server/src/engine/types';
import docs from './docs.md';

/** Stands for the base64 PEM bundle of the CA that signed the server's certificate. */
export const CA_BUNDLE_PLACEHOLDER = '<CA_BUNDLE_BASE64>';

/** cert-manager's CA injector fills an APIService's `spec.caBundle` when one of these annotations is set. */
const CA_INJECTION_ANNOTATIONS = ['cert-manager.io/inject-ca-from', 'cert-manager.io/inject-ca-from-secret', 'cert-manager.io/inject-apiserver-ca'];

/** kubeconfig files often have no extension (`~/.kube/config`, `kubeconfig`, `ci.kubeconfig`). */
function isKubeconfigPath(path: string): boolean {
  const normalised = path.replace(/\\/g, '/').toLowerCase();
  const name = normalised.slice(normalised.lastIndexOf('/') + 1);
  return name.includes('kubeconfig') || normalised === '.kube/config' || normalised.endsWith('/.kube/config');
}

type YMap = YAMLMap<unknown, unknown>;

/** One `true` that turns verification off, and what the fix needs to know about its map. */
interface SkipTls {
  readonly docIndex: number;
  readonly kind: 'kubeconfig' | 'apiservice';
  readonly name: string;
  readonly span: Span;
  /** The map holding the setting: a kubeconfig `cluster:` or an APIService `spec:`. */
  readonly map: YMap;
  /** The setting's key in that map. */
  readonly key: string;
  /** Where the CA comes from already, if anywhere: a key in the same map or cert-manager injection. */
  readonly caSource?: string;
}

function* skipTlsSettings(document: ParsedDocument): Generator<SkipTls> {
  if (!document.hasKind('yaml') && !isKubeconfigPath(document.path)) return;
  for (const [docIndex, yaml] of document.yaml().entries()) {
    const root = yaml.contents;
    const kind = scalarString(valueOf(root, 'kind'));
    if (kind === 'Config' || (kind === undefined && isSeq(valueOf(root, 'clusters')))) {
      for (const entry of isSeq(valueOf(root, 'clusters')) ? (valueOf(root, 'clusters') as { items: unknown[] }).items : []) {
        if (!isMap(entry)) continue;
        const name = scalarString(valueOf(entry, 'name')) ?? '(unnamed)';
        const cluster = valueOf(entry, 'cluster');
        const pair = pairOf(cluster, 'insecure-skip-tls-verify');
        if (!pair || !isScalar(pair.value) || scalarString(pair.value) !== 'true') continue;
        const caSource = ['certificate-authority-data', 'certificate-authority'].find((key) => scalarString(valueOf(cluster, key)));
        yield { docIndex, kind: 'kubeconfig', name, span: [(pair.key as Scalar).range![0], pair.value.range![1]], map: cluster as YMap, key: 'insecure-skip-tls-verify', caSource };
      }
    }
    if (kind === 'APIService') {
      const spec = valueOf(root, 'spec');
      const pair = pairOf(spec, 'insecureSkipTLSVerify');
      if (!pair || !isScalar(pair.value) || scalarString(pair.value) !== 'true') continue;
      const metadata = valueOf(root, 'metadata');
      const name = scalarString(valueOf(metadata, 'name')) ?? '(unnamed)';
      const annotations = valueOf(metadata, 'annotations');
      const caSource = scalarString(valueOf(spec, 'caBundle')) ? 'caBundle' : CA_INJECTION_ANNOTATIONS.find((key) => scalarString(valueOf(annotations, key)));
      yield { docIndex, kind: 'apiservice', name, span: [(pair.key as Scalar).range![0], pair.value.range![1]], map: spec as YMap, key: 'insecureSkipTLSVerify', caSource };
    }
  }
}

export default defineRule({
  id: 'k8s-insecure-skip-tls',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['kubernetes', 'yaml', 'text'],
  keywords: ['insecure-skip-tls-verify', 'insecureskiptlsverify'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const setting of skipTlsSettings(document)) {
      report({
        span: setting.span,
        message:
          setting.kind === 'kubeconfig'
            ? `kubeconfig cluster '${setting.name}' skips TLS verification: anyone on the network path can impersonate the API server and collect the credentials this kubeconfig sends (tokens, client certificates); set certificate-authority-data instead.`
            : `APIService '${setting.name}' skips TLS verification of its backend: the API server forwards requests, with the caller's identity headers, to whatever answers; set spec.caBundle instead.`,
        construct: `${setting.docIndex}:${setting.kind === 'kubeconfig' ? 'cluster' : 'apiservice'}:${setting.name}`,
        data: { offset: setting.span[0] },
        fixable: inBlockMap(setting),
      });
    }
  },
  fix({ document, finding }) {
    for (const setting of skipTlsSettings(document)) {
      if (setting.span[0] !== finding.data?.offset) continue;
      const fix = failClosed(document.text, setting);
      return fix ? [fix] : [];
    }
    return [];
  },
});

/**
 * Whether the fix can edit the setting's map: a block map with a source range. Decided from the
 * parsed tree alone, since the scan asks it of every finding; building the edit and re-parsing the
 * result wait until a client asks for the fix.
 */
const inBlockMap = (setting: SkipTls) => setting.map.range !== undefined && !setting.map.flow;

/**
 * Fails closed: the skip-verification key goes, and where no CA is configured yet a
 * `certificate-authority-data` / `caBundle` placeholder takes its place (same position, same
 * indentation), so the manifest says which CA to trust. Edited through the YAML CST: comments on
 * their own lines above the removed key go with it, everything else stays byte for byte.
 * Preferred only when the CA is already there: the setting then contradicts it (kubectl and the
 * API server reject the combination), and removing it changes nothing else.
 */
function failClosed(text: string, setting: SkipTls): Fix | undefined {
  if (!inBlockMap(setting)) return undefined;
  const offset = setting.map.range![0];
  const editor = new YamlCstEditor(text);
  const map = editor.blockMapAt(offset);
  if (!map) return undefined;
  const at = editor.indexOf(map, setting.key);
  if (at === -1) return undefined;
  const caKey = setting.kind === 'kubeconfig' ? 'certificate-authority-data' : 'caBundle';
  if (!setting.caSource) editor.insertEntries(map, `${caKey}: ${CA_BUNDLE_PLACEHOLDER}\n`, at);
  if (editor.removeKeys(map, [setting.key]) === -1) return undefined;
  const after = editor.toString();
  if (!yamlEditKeepsParsing(text, after)) return undefined;
  const edits = diffToEdits(text, after);
  if (edits.length === 0) return undefined;
  const what = setting.kind === 'kubeconfig' ? `cluster '${setting.name}'` : `APIService '${setting.name}'`;
  if (setting.caSource) {
    const source = setting.caSource.startsWith('cert-manager.io/') ? `the ${setting.caSource} annotation` : setting.caSource;
    return { title: `Verify TLS for ${what}: remove ${setting.key} (${source} already names the CA)`, edits, isPreferred: true };
  }
  return {
    title: `Verify TLS for ${what}: replace ${setting.key} with ${caKey} (fill in the base64 CA bundle)`,
    edits,
    placeholders: [CA_BUNDLE_PLACEHOLDER],
  };
}
