import type { FileKind } from './types';

/**
 * Decides what a file is from its path, and where the path is ambiguous (any `.yaml`), from a
 * cheap look at its content. The first 4 KiB are enough for every content signal used here.
 */
export function detectFileKinds(path: string, rawText: string): ReadonlySet<FileKind> {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1, 4097) : rawText.slice(0, 4096);
  const kinds = new Set<FileKind>();
  const normalised = path.replace(/\\/g, '/');
  const lowerPath = normalised.toLowerCase();
  const name = lowerPath.slice(lowerPath.lastIndexOf('/') + 1);
  const ext = extensionOf(name);

  switch (ext) {
    case 'yml':
    case 'yaml':
      kinds.add('yaml');
      addYamlKinds(lowerPath, name, text, kinds);
      break;
    case 'json':
      kinds.add('json');
      // Terraform JSON (`*.tf.json`) stays JSON here: the Terraform rules read its native-syntax
      // translation (parse/terraform-json.ts), which the runner scans beside it.
      if (!name.endsWith('.tf.json') && looksLikeCloudFormation(text)) kinds.add('cloudformation');
      break;
    case 'tf':
    case 'tfvars':
    case 'hcl':
      kinds.add('terraform');
      break;
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'jsx':
      kinds.add('javascript');
      break;
    case 'ts':
    case 'mts':
    case 'cts':
    case 'tsx':
      kinds.add('typescript');
      break;
    case 'py':
    case 'pyi':
      kinds.add('python');
      break;
    case 'go':
      kinds.add('go');
      break;
    case 'java':
      kinds.add('java');
      break;
    case 'sh':
    case 'bash':
    case 'zsh':
      kinds.add('shell');
      break;
    case 'ini':
    case 'cfg':
    case 'conf':
    case 'toml':
      kinds.add('ini');
      break;
    case 'properties':
      kinds.add('properties');
      break;
    case 'env':
      kinds.add('dotenv');
      break;
    case 'c':
    case 'h':
    case 'cc':
    case 'cpp':
    case 'cxx':
    case 'hh':
    case 'hpp':
    case 'm':
    case 'mm':
    case 'cs':
    case 'swift':
    case 'kt':
    case 'kts':
    case 'scala':
    case 'rs':
    case 'dart':
    case 'groovy':
    case 'gradle':
    case 'php':
    case 'cls':
    case 'bicep':
    case 'rb':
    case 'rake':
    case 'gemspec':
    case 'pl':
    case 'pm':
    case 'ps1':
    case 'psm1':
    case 'r':
      kinds.add('source');
      break;
  }

  if (name === 'dockerfile' || name.startsWith('dockerfile.') || name.endsWith('.dockerfile') || name === 'containerfile') {
    kinds.add('dockerfile');
  }
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) kinds.add('dotenv');
  if (name === 'makefile') kinds.add('shell');
  if (kinds.size === 0 && /^#!.*\b(?:ba|z|da)?sh\b/.test(text.slice(0, 128))) kinds.add('shell');
  kinds.add('text');
  return kinds;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : '';
}

function addYamlKinds(lowerPath: string, name: string, text: string, kinds: Set<FileKind>): void {
  if (/(^|\/)\.github\/workflows\/[^/]+$/.test(lowerPath) || name === 'action.yml' || name === 'action.yaml') {
    kinds.add('github-actions');
    return;
  }
  if (name === '.gitlab-ci.yml' || name === '.gitlab-ci.yaml' || /(^|\/)\.gitlab\/ci\//.test(lowerPath)) {
    kinds.add('gitlab-ci');
    return;
  }
  if (/(^|\/)\.circleci\/config\.ya?ml$/.test(lowerPath)) {
    kinds.add('circleci');
    return;
  }
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(name)) {
    kinds.add('docker-compose');
    return;
  }
  const head = text.slice(0, 4096);
  if (looksLikeCloudFormation(head)) kinds.add('cloudformation');
  // Kubernetes manifests (and Helm templates rendered or not) declare both keys at top level.
  if (/^apiVersion:/m.test(head) && /^kind:/m.test(head)) kinds.add('kubernetes');
  else if (/(^|\/)(charts?|helm)\//.test(lowerPath) && name.includes('values') && /\.ya?ml$/.test(name)) kinds.add('kubernetes');
  // A workflow outside .github/workflows (e.g. a template) still has these two keys.
  else if (/^on:/m.test(head) && /^jobs:/m.test(head) && /\bruns-on:/.test(head)) kinds.add('github-actions');
}

function looksLikeCloudFormation(text: string): boolean {
  const head = text.slice(0, 4096);
  return head.includes('AWSTemplateFormatVersion') || (head.includes('Resources') && head.includes('AWS::'));
}
