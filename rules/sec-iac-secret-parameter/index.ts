import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, nodeSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { namesCredential } from '../lib/credential-names';
import docs from './docs.md';

/**
 * Template parameters that hold a secret and ship with a literal default: CloudFormation
 * `Parameters` (YAML or JSON), Azure Resource Manager `parameters` and Bicep `param` declarations.
 * A parameter holds a secret when the template says so (`NoEcho: true`, `secureString`,
 * `secureObject`, `@secure()`), when its name names a credential, or when a credential-named
 * property takes its value (`MasterUserPassword: !Ref DbSecret`). The default is then the
 * credential every deployment that does not override it uses, readable in the template.
 */
const CFN_REFERENCE_TYPES = /^(?:AWS::SSM::Parameter::|AWS::SecretsManager::)/;
const BICEP_PARAM = /^[ \t]*param[ \t]+([A-Za-z_]\w{0,80})[ \t]+(\w{1,20})[ \t]*=[ \t]*'((?:[^'\\\r\n]|\\.){0,400})'/gm;

export default defineRule({
  id: 'sec-iac-secret-parameter',
  category: 'secret',
  defaultSeverity: 'error',
  // Bicep files have no file kind of their own; they are recognised by extension below.
  fileKinds: '*',
  // CloudFormation `Default`, ARM `defaultValue`, Bicep `param`.
  keywords: ['default', 'param '],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const message = (kind: string, name: string) =>
      `${kind} parameter '${name}' holds a secret and defaults to a literal ({{secret}}): every deployment that does not override it uses this value, and everyone who can read the template knows it; remove the default and pass the value from a secret store (a dynamic reference, a Key Vault reference) at deploy time.`;

    if (document.path.toLowerCase().endsWith('.bicep')) {
      const text = document.text;
      for (const match of text.matchAll(BICEP_PARAM)) {
        const [, name, type, value] = match;
        if (!name || value === undefined || value.length === 0 || (type !== 'string' && type !== 'object')) continue;
        if (!isSecureBicepParam(text, match.index) && (!namesCredential(name) || !plausibleSecret(value))) continue;
        const start = match.index + match[0].length - 1 - value.length;
        report({ span: [start, start + value.length], secret: value, message: message('Bicep', name), construct: name });
      }
      return;
    }

    // Only templates are parsed: CloudFormation (detected from its content), and ARM JSON (its `$schema` names a deployment template).
    const arm = document.hasKind('json') && document.containsKeyword('deploymenttemplate');
    if ((!document.hasKind('cloudformation') && !arm) || !document.containsKeyword('parameters')) return;
    for (const yaml of document.yaml()) {
      const root = yaml.contents;
      const referenced = credentialReferences(root);
      for (const parameters of parameterMaps(root)) {
        for (const { key: name, pair } of mapEntries(parameters)) {
          const declaration = pair.value;
          if (!isMap(declaration)) continue;
          const fields = new Map(mapEntries(declaration).map(({ key, pair: field }) => [key, field.value] as const));
          const type = scalarString(fields.get('Type') ?? fields.get('type'));
          if (type === undefined) continue;
          const cfn = fields.has('Type');
          const defaultNode = cfn ? fields.get('Default') : fields.get('defaultValue');
          if (!isScalar(defaultNode) || typeof defaultNode.value !== 'string' || defaultNode.value.length === 0) continue;
          const value = defaultNode.value;
          if (cfn && CFN_REFERENCE_TYPES.test(type)) continue;
          // ARM expressions (`[newGuid()]`, `[parameters('x')]`) compute the value at deploy time.
          if (!cfn && value.startsWith('[') && value.endsWith(']')) continue;
          const secure = cfn
            ? /^true$/i.test(scalarString(fields.get('NoEcho')) ?? '')
            : /^secure(?:string|object)$/i.test(type);
          if (!secure && ((!namesCredential(name) && !referenced.has(name)) || !plausibleSecret(value))) continue;
          const span = valueSpan(document.text, defaultNode);
          if (!span) continue;
          report({ span, secret: value, message: message(cfn ? 'CloudFormation' : 'ARM template', name), construct: name });
        }
      }
    }
  },
});

/**
 * For a parameter that is a secret only by its name or use: a value that could be one, not a
 * number, a switch, a duration or a sentence (`TokenTtlDays: 30`, `EnableTokenAuth: 'true'`).
 */
function plausibleSecret(value: string): boolean {
  return value.length >= 4 && !/\s/.test(value) && !/^(?:\d+[smhdw]?|true|false|yes|no|none|null|enabled|disabled)$/i.test(value);
}

/** The `Parameters` (CloudFormation) or `parameters` (ARM, possibly under `properties.template`) maps of a template. */
function parameterMaps(root: unknown): Node[] {
  const found: Node[] = [];
  const visit = (node: unknown, depth: number) => {
    if (depth > 6 || !isMap(node)) return;
    for (const { key, pair } of mapEntries(node)) {
      if ((key === 'Parameters' || key === 'parameters') && isMap(pair.value)) found.push(pair.value);
      else if (key === 'properties' || key === 'template') visit(pair.value, depth + 1);
    }
  };
  visit(root, 0);
  return found;
}

/** Parameter names that credential-named properties take their value from (`Password: !Ref P`, `{"Ref": "P"}`, `[parameters('p')]`). */
function credentialReferences(root: unknown): Set<string> {
  const names = new Set<string>();
  let budget = 50_000;
  const visit = (node: unknown) => {
    if (--budget < 0) return;
    if (isMap(node)) {
      for (const { key, pair } of mapEntries(node)) {
        if (namesCredential(key)) {
          const target = referencedParameter(pair.value);
          if (target) names.add(target);
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(root);
  return names;
}

function referencedParameter(node: unknown): string | undefined {
  if (isScalar(node) && typeof node.value === 'string') {
    if (node.tag === '!Ref') return node.value;
    return /^\[parameters\('([^']{1,100})'\)\]$/.exec(node.value)?.[1];
  }
  if (isMap(node)) {
    const entries = mapEntries(node);
    if (entries.length === 1 && entries[0]!.key === 'Ref') return scalarString(entries[0]!.pair.value);
  }
  return undefined;
}

/** The span of a scalar's text without its quotes. */
function valueSpan(text: string, node: Node): [number, number] | undefined {
  const span = nodeSpan(node);
  if (!span) return undefined;
  let [start, end] = span;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end - start >= 2 && (text[start] === '"' || text[start] === "'") && text[end - 1] === text[start]) {
    start++;
    end--;
  }
  return [start, end];
}

/** Whether the decorators right above a Bicep `param` include `@secure()`. */
function isSecureBicepParam(text: string, paramStart: number): boolean {
  let lineEnd = paramStart;
  for (let i = 0; i < 10 && lineEnd > 0; i++) {
    const lineStart = text.lastIndexOf('\n', lineEnd - 2) + 1;
    const line = text.slice(lineStart, lineEnd).trim();
    if (!line.startsWith('@')) return false;
    if (/^@secure\(\s*\)/.test(line) || /^@sys\.secure\(\s*\)/.test(line)) return true;
    lineEnd = lineStart;
  }
  return false;
}
