import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { ensureLanguage } from '../../server/src/engine/parse/tree-sitter';
import { mapEntries, nodeSpan, scalarString } from '../../server/src/engine/parse/yaml';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { namesCredential } from '../lib/credential-names';
import { hclAttribute, hclAttributes, hclBlocks, hclLiteral, hclReference, hclStringSpan } from '../lib/hcl';
import { attributeLine, lineEnding, wholeLines } from '../lib/hcl-edit';
import { isTerraformConfiguration } from '../lib/literal-to-tf-variable';
import docs from './docs.md';

/**
 * Template parameters that hold a secret and ship with a literal default: CloudFormation
 * `Parameters` (YAML or JSON), Azure Resource Manager `parameters`, Bicep `param` declarations and
 * Terraform `variable` blocks. A parameter holds a secret when the template says so
 * (`NoEcho: true`, `secureString`, `secureObject`, `@secure()`, `sensitive = true`), when its name
 * names a credential, or when a credential-named property takes its value
 * (`MasterUserPassword: !Ref DbSecret`, `password = var.db`). The default is then the credential
 * every deployment that does not override it uses, readable in the template.
 */
const CFN_REFERENCE_TYPES = /^(?:AWS::SSM::Parameter::|AWS::SecretsManager::)/;
const BICEP_PARAM = /^[ \t]*param[ \t]+([A-Za-z_]\w{0,80})[ \t]+(\w{1,20})[ \t]*=[ \t]*'((?:[^'\\\r\n]|\\.){0,400})'/gm;

export default defineRule({
  id: 'sec-iac-secret-parameter',
  category: 'secret',
  defaultSeverity: 'error',
  // Bicep files have no file kind of their own; they are recognised by extension below.
  fileKinds: '*',
  // CloudFormation `Default`, ARM `defaultValue`, Terraform `default`, Bicep `param`.
  keywords: ['default', 'param '],
  secondaryKeywords: ['variable', 'deploymenttemplate', 'parameters'],
  syntax: 'yaml',
  docs,
  async check({ document, report }) {
    const message = (kind: string, name: string) =>
      `${kind} parameter '${name}' holds a secret and defaults to a literal ({{secret}}): every deployment that does not override it uses this value, and everyone who can read the template knows it; remove the default and pass the value from a secret store (a dynamic reference, a Key Vault reference) at deploy time.`;
    const terraformMessage = (name: string) =>
      `Terraform variable '${name}' holds a secret and defaults to a literal ({{secret}}): every plan that does not set it uses this value, and everyone who can read the module knows it; remove the default, mark the variable sensitive and set it at plan time (TF_VAR_${name}, or the pipeline's secret store).`;

    if (isTerraformConfiguration(document)) {
      if (!document.containsKeyword('variable')) return;
      await ensureLanguage('hcl');
      for (const variable of terraformSecretDefaults(document)) {
        report({ ...variable, message: terraformMessage(variable.construct), fixable: terraformFix(document, variable.span) !== undefined });
      }
      return;
    }

    if (document.path.toLowerCase().endsWith('.bicep')) {
      const text = document.text;
      for (const match of text.matchAll(BICEP_PARAM)) {
        const [, name, type, value] = match;
        if (!name || value === undefined || value.length === 0 || (type !== 'string' && type !== 'object')) continue;
        if (!isSecureBicepParam(text, match.index) && (!namesCredential(name) || !plausibleSecret(value))) continue;
        const start = match.index + match[0].length - 1 - value.length;
        report({ span: [start, start + value.length], secret: value, message: message('Bicep', name), construct: name, fixable: bicepFix(text, start, start + value.length) !== undefined });
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
          report({ span, secret: value, message: message(cfn ? 'CloudFormation' : 'ARM template', name), construct: name, fixable: defaultLineFix(document.text, span) !== undefined });
        }
      }
    }
  },
  fix({ document, finding }) {
    const text = document.text;
    const fix = isTerraformConfiguration(document)
      ? terraformFix(document, finding.span)
      : document.path.toLowerCase().endsWith('.bicep')
        ? bicepFix(text, finding.span[0], finding.span[1])
        : defaultLineFix(text, finding.span);
    return fix ? [fix] : [];
  },
});

const REMOVE_DEFAULT = 'Remove the default (every deployment must supply the value)';

/** Terraform variables that hold a secret (`sensitive`, a credential name, or read by a credential argument) with a literal default. */
function terraformSecretDefaults(document: ParsedDocument): Array<{ span: [number, number]; secret: string; construct: string }> {
  const blocks = hclBlocks(document.tree('hcl'));
  // `password = var.admin`: variables that credential-named arguments read.
  const referenced = new Set<string>();
  for (const block of blocks) {
    if (block.type === 'variable') continue;
    for (const attribute of hclAttributes(block.body)) {
      const target = namesCredential(attribute.name) ? hclReference(attribute.value) : undefined;
      if (target?.startsWith('var.')) referenced.add(target.slice(4));
    }
  }
  const found: Array<{ span: [number, number]; secret: string; construct: string }> = [];
  for (const block of blocks) {
    const name = block.labels[0];
    if (block.type !== 'variable' || !name) continue;
    const value = hclAttribute(block.body, 'default')?.value;
    const literal = value ? hclStringSpan(value) : undefined;
    if (!literal || literal.value.length === 0 || literal.value.includes('${')) continue;
    const sensitive = hclAttribute(block.body, 'sensitive');
    const secure = sensitive !== undefined && hclLiteral(sensitive.value) === true;
    if (!secure && ((!namesCredential(name) && !referenced.has(name)) || !plausibleSecret(literal.value))) continue;
    found.push({ span: [literal.start, literal.end], secret: literal.value, construct: name });
  }
  return found;
}

/** The variable's `default` line gives way to `sensitive = true` (or just goes, when the variable is already sensitive). */
function terraformFix(document: ParsedDocument, span: readonly [number, number]): Fix | undefined {
  const text = document.text;
  const block = hclBlocks(document.tree('hcl')).find((candidate) => candidate.type === 'variable' && candidate.node.startIndex <= span[0] && span[1] <= candidate.node.endIndex);
  const attribute = block ? hclAttribute(block.body, 'default') : undefined;
  const lines = attribute ? wholeLines(text, attribute.node) : undefined;
  if (!block || !attribute || !lines || attribute.value.startIndex > span[0] || span[1] > attribute.value.endIndex) return undefined;
  const sensitive = hclAttribute(block.body, 'sensitive');
  if (sensitive && hclLiteral(sensitive.value) === true) return { title: REMOVE_DEFAULT, edits: [{ span: lines, newText: '' }] };
  // A `sensitive = false` is turned true in place; otherwise the default's line becomes `sensitive = true`.
  if (sensitive) {
    const edits: TextEdit[] = [{ span: [sensitive.value.startIndex, sensitive.value.endIndex], newText: 'true' }, { span: lines, newText: '' }];
    return { title: `${REMOVE_DEFAULT} and mark it sensitive`, edits };
  }
  const line = attributeLine(text, attribute.node, '', 'sensitive', 'true');
  return { title: `${REMOVE_DEFAULT} and mark it sensitive`, edits: [{ span: lines, newText: line + lineEnding(text) }] };
}

/** `param p string = '…'` loses its default; `@secure()` goes above it when missing, so the value stays out of deployment logs. */
function bicepFix(text: string, valueStart: number, valueEnd: number): Fix | undefined {
  const lineStart = text.lastIndexOf('\n', valueStart - 1) + 1;
  const header = /^([ \t]*)param[ \t]+[A-Za-z_]\w*[ \t]+\w+/.exec(text.slice(lineStart, valueStart));
  if (!header || text[valueEnd] !== "'") return undefined;
  const newline = text.indexOf('\n', valueEnd);
  const rest = text.slice(valueEnd + 1, newline === -1 ? text.length : newline).trim();
  if (rest !== '' && !rest.startsWith('//')) return undefined;
  const removeDefault: TextEdit = { span: [lineStart + header[0].length, valueEnd + 1], newText: '' };
  if (isSecureBicepParam(text, lineStart)) return { title: REMOVE_DEFAULT, edits: [removeDefault] };
  return { title: `${REMOVE_DEFAULT} and mark it @secure()`, edits: [{ span: [lineStart, lineStart], newText: `${header[1]}@secure()${lineEnding(text)}` }, removeDefault] };
}

/**
 * CloudFormation and ARM: the `Default:` / `"defaultValue": …` line goes, when it is a line of
 * its own (block YAML, JSON one member per line). In JSON, removing the last member also takes the
 * comma off the member before it.
 */
function defaultLineFix(text: string, span: readonly [number, number]): Fix | undefined {
  const lineStart = text.lastIndexOf('\n', span[0] - 1) + 1;
  const newline = text.indexOf('\n', span[1]);
  const lineEnd = newline === -1 ? text.length : newline + 1;
  // The key and the opening quote before the value, and after it only its closing quote and a comment or a comma.
  const head = text.slice(lineStart, span[0]);
  const tail = text.slice(span[1], lineEnd).trim();
  const remove: TextEdit = { span: [lineStart, lineEnd], newText: '' };
  if (/^[ \t]*Default:[ \t]*["']?$/.test(head)) {
    const quote = head.endsWith('"') || head.endsWith("'") ? head[head.length - 1]! : '';
    const rest = tail.slice(quote.length).trim();
    return tail.startsWith(quote) && (rest === '' || rest.startsWith('#')) ? { title: REMOVE_DEFAULT, edits: [remove] } : undefined;
  }
  if (!/^[ \t]*"(?:Default|defaultValue)"[ \t]*:[ \t]*"$/.test(head)) return undefined;
  if (tail === '",') return { title: REMOVE_DEFAULT, edits: [remove] };
  if (tail !== '"') return undefined;
  // The last member: the one before it must end in a comma, which goes too.
  const before = text.slice(0, lineStart).trimEnd();
  if (!before.endsWith(',')) return undefined;
  return { title: REMOVE_DEFAULT, edits: [{ span: [before.length - 1, before.length], newText: '' }, remove] };
}

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
