import { isMap, isSeq, type Node, type Pair } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import { keySpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Report } from '../../server/src/engine/types';
import { hclBlocks } from '../lib/hcl';
import { containerMaps, isTemplated } from '../lib/k8s-yaml';
import docs from './docs.md';

/**
 * Kubernetes Secrets handed to a container as environment variables (`env[].valueFrom.secretKeyRef`,
 * `envFrom[].secretRef`), in manifests and in Terraform's kubernetes provider (`env { value_from {
 * secret_key_ref … } }`, `env_from { secret_ref … }`). An environment is fixed when the process
 * starts, so a rotated credential does not reach the container until it restarts, and it is
 * inherited by every child process and copied into crash reports and debug dumps; a Secret
 * mounted as a volume is updated in place by the kubelet.
 */
type Say = (report: Report) => void;

const WHY =
  'an environment is fixed when the container starts, so a rotated credential does not reach it until a restart (and rotation tends to be put off), and every child process, crash report and debug dump gets a copy. Mount the Secret as a file (a secret volume or the Secrets Store CSI driver), which the kubelet refreshes in place, or replace the credential with workload identity.';

export default defineRule({
  id: 'k8s-secret-env-var',
  category: 'long-lived-credential',
  defaultSeverity: 'info',
  fileKinds: ['kubernetes', 'terraform'],
  keywords: ['secretkeyref', 'secretref', 'secret_key_ref', 'secret_ref'],
  // Reads the YAML tree for manifests and the HCL tree (loaded below) for Terraform.
  syntax: 'yaml',
  docs,
  async check({ document, report }) {
    if (document.codeLanguage === 'hcl') {
      await ensureLanguage('hcl');
      checkTerraform(document, report);
    } else if (document.hasKind('kubernetes')) {
      checkManifests(document, report);
    }
  },
});

function checkManifests(document: ParsedDocument, report: Say): void {
  for (const yaml of document.yaml()) {
    for (const container of containerMaps(yaml.contents)) {
      const containerName = scalarString(valueOf(container, 'name')) ?? '(unnamed)';
      const env = valueOf(container, 'env');
      for (const item of isSeq(env) ? env.items : []) {
        if (!isMap(item)) continue;
        const reference = pairOf(valueOf(item, 'valueFrom'), 'secretKeyRef');
        if (!reference) continue;
        const variable = scalarString(valueOf(item, 'name')) ?? '(unnamed)';
        const secret = describeSecret(secretName(document.text, reference.value), scalarString(valueOf(reference.value, 'key')));
        say(report, reference, `Container '${containerName}' reads ${secret} as environment variable ${variable}: ${WHY}`, `${containerName}/env/${variable}`);
      }
      const envFrom = valueOf(container, 'envFrom');
      for (const item of isSeq(envFrom) ? envFrom.items : []) {
        const reference = pairOf(item, 'secretRef');
        if (!reference) continue;
        const secret = describeSecret(secretName(document.text, reference.value), undefined);
        say(report, reference, `Container '${containerName}' loads every key of ${secret} as environment variables (envFrom): ${WHY}`, `${containerName}/envFrom/${secret}`);
      }
    }
  }
}

/** Reports on the `secretKeyRef:` / `secretRef:` key. */
function say(report: Say, pair: Pair<Node, Node | null>, message: string, construct: string): void {
  const span = keySpan(pair);
  if (span) report({ span, message, construct });
}

/** The referenced Secret's name; a Helm-templated one is blanked in the parse, so it is not named. */
function secretName(text: string, reference: unknown): string | undefined {
  const node = valueOf(reference, 'name');
  return isTemplated(text, node) ? undefined : scalarString(node);
}

function describeSecret(name: string | undefined, key: string | undefined): string {
  const secret = name ? `Secret '${name}'` : 'a Secret';
  return key ? `key '${key}' of ${secret}` : secret;
}

/** The `secret_key_ref` / `secret_ref` word inside an `env` / `env_from` block of a kubernetes_* resource. */
const TF_REFERENCE: Readonly<Record<string, RegExp>> = { env: /\bsecret_key_ref\b/, env_from: /\bsecret_ref\b/ };

function checkTerraform(document: ParsedDocument, report: Say): void {
  const blocks = hclBlocks(document.tree('hcl'));
  const resources = blocks.filter((block) => block.type === 'resource' && (block.labels[0] ?? '').startsWith('kubernetes_'));
  const seen = new Map<string, number>();
  for (const block of blocks) {
    const reference = TF_REFERENCE[block.type];
    if (!reference) continue;
    const owner = resources.find((resource) => resource.node.startIndex <= block.node.startIndex && block.node.endIndex <= resource.node.endIndex);
    if (!owner) continue;
    const match = reference.exec(block.node.text);
    if (!match) continue;
    const start = block.node.startIndex + match.index;
    const name = `${owner.labels[0]}.${owner.labels[1] ?? ''}`;
    // The n-th env / env_from block of the resource tells apart findings of one resource.
    const ordinal = (seen.get(`${name}/${block.type}`) ?? 0) + 1;
    seen.set(`${name}/${block.type}`, ordinal);
    const what = block.type === 'env' ? 'reads a Secret as an environment variable' : 'loads every key of a Secret as environment variables (env_from)';
    report({ span: [start, start + match[0].length], message: `${name} ${what}: ${WHY}`, construct: `${name}/${block.type}#${ordinal}` });
  }
}
