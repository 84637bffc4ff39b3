import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclBlockHolding, hclBlocks, type HclBlock } from '../lib/hcl';
import { attributeLine, indentAt, insertLinesAfter, lineEnding } from '../lib/hcl-edit';
import { terraformName } from '../lib/trust-templates';

/**
 * The quick fix: delete the script lines that hand the key over, give the resource an instance
 * profile, and create the role behind it. `check` works out which lines go (`removalPlan`, from
 * the spans it already has); `fix` only turns that plan into edits.
 */

/** What `check` records on a fixable finding: never a value, only where the lines are. */
export interface FixPlan {
  /** `user_data` or `user_data_base64`. */
  readonly attribute: string;
  /** Whether the resource already has an instance profile (then only the lines go). */
  readonly profile: boolean;
  /** `[start, end, start, end, …]`: the text to delete, sorted and disjoint. */
  readonly remove: readonly number[];
}

/** The rule's own detector, handed in so the plan covers exactly what the rule reports. */
export interface Detector {
  /** What one script line does with a key, if anything. */
  lineHandoff(line: string): string | undefined;
  /** Every handoff in an expression's text, as `[start, end)` of its line; `visit` returns true to stop. */
  eachHandoff(value: string, visit: (start: number, end: number) => boolean | void): void;
}

export const ACTIONS_PLACEHOLDER = '<ACTIONS>';
export const RESOURCES_PLACEHOLDER = '<RESOURCES>';

// ---- Which lines go -------------------------------------------------------------------------

/** Lines that may hand over a key, or a session token that goes with one. */
const FIX_INDICATOR = /aws_(?:access|secret|session|security)_|aws_iam_access_key\.|\.aws(?:\/|\\{1,2})credentials\b/gi;
const ENV_KEY = /^(?:AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN)=/;
const SESSION_ENV = /^AWS_(?:SESSION|SECURITY)_TOKEN=/;
const CONFIG_KEY = /^(?:[\w-]+\.){0,2}aws_(?:access_key_id|secret_access_key|session_token)$/i;
const SESSION_CONFIG_KEY = /aws_session_token$/i;
/** What `echo` may write: a key variable or a credentials-file key line. */
const KEY_TEXT = /^(?:export[ \t]+)?(?:AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN)=|aws_(?:access_key_id|secret_access_key|session_token)[ \t]*=)/i;
const CREDENTIALS_FILE = /\.aws[/\\]{1,2}credentials$/;
const DELIMITER = /^\w+$/;
const ECHO_FLAG = /^-[neE]{1,3}$/;
/** `\"` and `\\` of an HCL quoted string, as the shell gets them. */
const HCL_ESCAPE = /\\(["\\])/g;
/** The other words a `cat <<EOF > ~/.aws/credentials` line may have. */
const HEREDOC_WORDS = new Set(['cat', 'sudo', 'tee', '-a', '--append', '|', '>', '>>', '/dev/null']);
const OPERATORS = new Set(['|', '>', '>>', '<', '<<', '<<-']);

const unquote = (word: string): string => word.replace(/["']/g, '');

/** Offset just past the bracket that closes the one at `open` (`${…}`, `$(…)`), or -1 when it does not close on the line. */
function closing(line: string, open: number): number {
  const opener = line[open];
  const closer = opener === '{' ? '}' : ')';
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === opener) depth++;
    else if (line[i] === closer && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The words of one shell line (quotes kept), with `|` and redirections as words of their own;
 * undefined when the line is more than one simple command (`;`, `&&`, `||`, `&`, a subshell,
 * backquotes) or a quote, `${` or `$(` does not close on it. A `#` comment ends the line.
 */
function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  const push = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      push();
      i++;
    } else if (c === '#' && word === '') {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      word += line.slice(i, end + 1);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\') j += 2;
        else if (line[j] === '$' && (line[j + 1] === '{' || line[j + 1] === '(')) {
          j = closing(line, j + 1);
          if (j === -1) return undefined;
        } else j++;
      }
      if (j >= line.length) return undefined;
      word += line.slice(i, j + 1);
      i = j + 1;
    } else if (c === '\\') {
      word += line.slice(i, i + 2);
      i += 2;
    } else if (c === '$' && (line[i + 1] === '{' || line[i + 1] === '(')) {
      const end = closing(line, i + 1);
      if (end === -1) return undefined;
      word += line.slice(i, end);
      i = end;
    } else if (c === '|') {
      if (line[i + 1] === '|') return undefined;
      push();
      words.push('|');
      i++;
    } else if (c === '>' || c === '<') {
      push();
      let j = i;
      while (j < line.length && line[j] === c && j - i < 3) j++;
      if (c === '<' && line[j] === '-') j++;
      if (line[j] === '&' || line[j] === '(') return undefined;
      words.push(line.slice(i, j));
      i = j;
    } else if (c === ';' || c === '&' || c === '`' || c === '(' || c === ')') {
      return undefined;
    } else {
      word += c;
      i++;
    }
  }
  push();
  return words;
}

/** `> path`, `>> path`, or `| [sudo] tee [-a] path [> /dev/null]`: the rest of an `echo` that only writes a file. */
function writesFileOnly(words: readonly string[]): boolean {
  if ((words[0] === '>' || words[0] === '>>') && words.length === 2) return !OPERATORS.has(words[1]!);
  if (words[0] !== '|') return false;
  let k = 1;
  if (words[k] === 'sudo') k++;
  if (words[k++] !== 'tee') return false;
  if (words[k] === '-a' || words[k] === '--append') k++;
  if (words[k] === undefined || OPERATORS.has(words[k]!)) return false;
  k++;
  if (words[k] === '>' && words[k + 1] === '/dev/null') k += 2;
  return k === words.length;
}

/**
 * How a script line that hands a key over can go: as a line, or with the here-document it opens
 * (`cat > ~/.aws/credentials <<EOF`, up to `EOF`); undefined when it also does something else.
 * With `sessionOnly`, only a session token set the same ways (not a line the rule reports itself).
 */
function removable(line: string, sessionOnly: boolean): { delimiter?: string } | undefined {
  // A token computed on the instance (`$(…)`, e.g. from sts) is not one handed over.
  if (sessionOnly && line.includes('$(')) return undefined;
  const words = shellWords(line);
  if (!words || words.length === 0) return undefined;
  // `export AWS_ACCESS_KEY_ID=…`, `AWS_SECRET_ACCESS_KEY=…`, several on one line: only key variables.
  const assignments = words[0] === 'export' ? words.slice(1) : words;
  if (assignments.length > 0 && assignments.every((word) => (sessionOnly ? SESSION_ENV : ENV_KEY).test(word))) {
    if (sessionOnly && assignments.some((word) => unquote(word.slice(word.indexOf('=') + 1)) === '')) return undefined;
    return {};
  }
  const start = words[0] === 'sudo' ? 1 : 0;
  // `aws configure set [--profile p] aws_access_key_id <value>`
  if (words[start] === 'aws' && words[start + 1] === 'configure' && words[start + 2] === 'set') {
    const rest: string[] = [];
    for (let k = start + 3; k < words.length; k++) {
      if (words[k] === '--profile') k++;
      else if (!words[k]!.startsWith('--profile=')) rest.push(words[k]!);
    }
    if (rest.length !== 2 || rest.some((word) => OPERATORS.has(word))) return undefined;
    const key = unquote(rest[0]!);
    return CONFIG_KEY.test(key) && (!sessionOnly || SESSION_CONFIG_KEY.test(key)) ? {} : undefined;
  }
  if (sessionOnly) return undefined;
  // `echo 'AWS_ACCESS_KEY_ID=…' >> /etc/environment`
  if (words[start] === 'echo') {
    let k = start + 1;
    while (k < words.length && ECHO_FLAG.test(words[k]!)) k++;
    const text = words[k];
    return text !== undefined && KEY_TEXT.test(unquote(text)) && writesFileOnly(words.slice(k + 1)) ? {} : undefined;
  }
  // `cat > ~/.aws/credentials <<EOF`, `cat <<EOF | sudo tee ~/.aws/credentials`: the whole here-document goes.
  const heredoc = words.findIndex((word) => word === '<<' || word === '<<-');
  if (heredoc === -1) return undefined;
  const delimiter = unquote(words[heredoc + 1] ?? '');
  if (!DELIMITER.test(delimiter)) return undefined;
  const others = words.filter((_, k) => k !== heredoc && k !== heredoc + 1);
  const credentials = others.filter((word) => CREDENTIALS_FILE.test(unquote(word)));
  if (credentials.length === 0 || !others.every((word) => HEREDOC_WORDS.has(word) || credentials.includes(word))) return undefined;
  return { delimiter };
}

/** A template's text between its delimiters, and whether its lines end with `\n` escapes (a quoted string) or line breaks (a heredoc). */
interface Template {
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

/** The heredocs and quoted strings of an expression (not those inside their interpolations). */
function templatesIn(text: string, value: SyntaxNode): Template[] {
  const templates: Template[] = [];
  const pending: SyntaxNode[] = [value];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.type === 'heredoc_template') {
      const identifiers = node.namedChildren.filter((child) => child?.type === 'heredoc_identifier');
      if (identifiers.length < 2) continue;
      const newline = text.indexOf('\n', identifiers[0]!.endIndex);
      const end = text.lastIndexOf('\n', identifiers[identifiers.length - 1]!.startIndex - 1) + 1;
      if (newline !== -1 && newline < end) templates.push({ start: newline + 1, end, quoted: false });
    } else if (node.type === 'quoted_template' || node.type === 'string_lit') {
      if (node.endIndex - node.startIndex >= 2) templates.push({ start: node.startIndex + 1, end: node.endIndex - 1, quoted: true });
    } else {
      for (const child of node.namedChildren) if (child) pending.push(child);
    }
  }
  return templates;
}

/** The line of `content` around `index`: its start, its end, and where the next line starts. */
function lineAround(content: string, index: number, quoted: boolean): [number, number, number] {
  if (quoted) {
    const before = index >= 2 ? content.lastIndexOf('\\n', index - 2) : -1;
    const end = content.indexOf('\\n', index);
    return [before === -1 ? 0 : before + 2, end === -1 ? content.length : end, end === -1 ? content.length : end + 2];
  }
  const start = index === 0 ? 0 : content.lastIndexOf('\n', index - 1) + 1;
  const end = content.indexOf('\n', index);
  return [start, end === -1 ? content.length : end, end === -1 ? content.length : end + 1];
}

/**
 * Adds to `spans` the lines of one template that hand a key over (with their line break); false
 * when one of them cannot go on its own. Only lines with an indicator are read, each once, and a
 * here-document's lines are walked once to its end, so the cost is the template's length.
 */
function planTemplate(text: string, template: Template, detector: Detector, spans: Array<[number, number]>): boolean {
  const content = text.slice(template.start, template.end);
  const { quoted } = template;
  const remove = (start: number, end: number, next: number) => {
    // A quoted string's last line goes with the `\n` before it.
    const span: [number, number] = !quoted || next > end ? [start, next] : start > 0 ? [start - 2, end] : [start, end];
    spans.push([template.start + span[0], template.start + span[1]]);
  };
  FIX_INDICATOR.lastIndex = 0;
  for (let match = FIX_INDICATOR.exec(content); match; match = FIX_INDICATOR.exec(content)) {
    const [start, end, next] = lineAround(content, match.index, quoted);
    FIX_INDICATOR.lastIndex = next;
    const raw = content.slice(start, end);
    const line = quoted ? raw.replace(HCL_ESCAPE, '$1') : raw;
    const handoff = detector.lineHandoff(raw) !== undefined;
    const shape = removable(line, !handoff);
    if (!shape) {
      if (handoff) return false;
      continue;
    }
    if (shape.delimiter === undefined) {
      remove(start, end, next);
      continue;
    }
    // The here-document runs to the line that is its delimiter; without one, nothing can go safely.
    let at = next;
    let closed: [number, number] | undefined;
    while (at < content.length) {
      const [lineStart, lineEnd, lineNext] = lineAround(content, at, quoted);
      if (content.slice(lineStart, lineEnd).trim() === shape.delimiter) {
        closed = [lineEnd, lineNext];
        break;
      }
      at = lineNext;
    }
    if (!closed) return false;
    remove(start, closed[0], closed[1]);
    FIX_INDICATOR.lastIndex = closed[1];
  }
  return true;
}

/**
 * The text to delete from `value` (an attribute's expression) so that it hands no key over, or
 * undefined when a handoff cannot be deleted cleanly: it shares its line with other commands,
 * sits outside a heredoc or quoted string (a `templatefile` argument), or a here-document does not end.
 */
export function removalPlan(text: string, value: SyntaxNode, detector: Detector): number[] | undefined {
  const spans: Array<[number, number]> = [];
  for (const template of templatesIn(text, value)) if (!planTemplate(text, template, detector, spans)) return undefined;
  if (spans.length === 0) return undefined;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  // Every handoff the rule sees in the value must go with the deleted text, or the finding stays. The rule's
  // line may run past a quoted string's last line (to the closing quote and beyond): what is left of it must be clean.
  let covered = true;
  let k = 0;
  detector.eachHandoff(text.slice(value.startIndex, value.endIndex), (start, end) => {
    const from = value.startIndex + start;
    const to = value.startIndex + end;
    while (k < merged.length && merged[k]![1] <= from) k++;
    const span = merged[k];
    covered = span !== undefined && span[0] <= from && (to <= span[1] || detector.lineHandoff(text.slice(span[1], to)) === undefined);
    return !covered;
  });
  return covered ? merged.flat() : undefined;
}

// ---- The edits --------------------------------------------------------------------------------

const RESOURCE = new Set(['resource']);
const IAM_TYPES = ['aws_iam_role', 'aws_iam_instance_profile', 'aws_iam_role_policy'];

/** A Terraform name for the new role and profile that no such resource of this file has yet. */
function freeName(blocks: readonly HclBlock[], base: string): string {
  const taken = new Set(blocks.filter((block) => block.type === 'resource' && IAM_TYPES.includes(block.labels[0] ?? '')).map((block) => block.labels[1]));
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : n === 2 ? `${base}_instance` : `${base}_instance_${n - 1}`;
    if (!taken.has(name)) return name;
  }
}

/** Where the user data's line starts, above the comment lines directly over it. */
function groupStart(text: string, node: SyntaxNode): number {
  let start = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  while (start > 0) {
    const previous = text.lastIndexOf('\n', start - 2) + 1;
    const line = text.slice(previous, start).trim();
    if (!line.startsWith('#') && !line.startsWith('//')) break;
    start = previous;
  }
  return start;
}

/**
 * `iam_instance_profile = aws_iam_instance_profile.<name>.name` after the attribute before the
 * user data (aligned like it), else above the user data; a launch template's nested block goes
 * above the user data with a blank line after it.
 */
function profileEdit(text: string, block: HclBlock, userData: SyntaxNode, name: string): TextEdit {
  const reference = `aws_iam_instance_profile.${name}.name`;
  const eol = lineEnding(text);
  const indent = indentAt(text, userData.startIndex);
  const at = groupStart(text, userData);
  if (block.labels[0] === 'aws_launch_template') {
    const inner = indent + (indent.startsWith('\t') ? '\t' : '  ');
    return { span: [at, at], newText: `${indent}iam_instance_profile {${eol}${inner}name = ${reference}${eol}${indent}}${eol}${eol}` };
  }
  // The attribute before the user data (past comments, which stay with what follows them).
  const siblings = block.body?.namedChildren ?? [];
  let index = siblings.findIndex((child) => child?.startIndex === userData.startIndex) - 1;
  while (index >= 0 && siblings[index]?.type === 'comment') index--;
  const previous = siblings[index];
  if (previous?.type === 'attribute') {
    const edit = insertLinesAfter(text, previous, [attributeLine(text, previous, '', 'iam_instance_profile', reference)]);
    if (edit) return edit;
  }
  return { span: [at, at], newText: `${attributeLine(text, userData, indent, 'iam_instance_profile', reference)}${eol}` };
}

/** The role, its instance profile and a policy to fill in: the new file beside the document. */
function instanceProfileFile(owner: string, name: string, label: string): string {
  const iamName = `${label.replace(/_/g, '-').slice(0, 55)}-instance`;
  return [
    `# The role ${owner} runs as. The AWS CLI and SDKs on the instance get its temporary,`,
    '# automatically rotated credentials from the instance metadata service: no access key is needed.',
    `resource "aws_iam_role" "${name}" {`,
    `  name = "${iamName}"`,
    '',
    '  assume_role_policy = jsonencode({',
    '    Version = "2012-10-17"',
    '    Statement = [{',
    '      Effect    = "Allow"',
    '      Principal = { Service = "ec2.amazonaws.com" }',
    '      Action    = "sts:AssumeRole"',
    '    }]',
    '  })',
    '}',
    '',
    `resource "aws_iam_instance_profile" "${name}" {`,
    `  name = "${iamName}"`,
    `  role = aws_iam_role.${name}.name`,
    '}',
    '',
    '# Only what the software on the instance does with AWS, which only you know: replace the',
    '# placeholders with the actions and resource ARNs the removed keys were used for.',
    `resource "aws_iam_role_policy" "${name}" {`,
    `  name = "${iamName}"`,
    `  role = aws_iam_role.${name}.id`,
    '',
    '  policy = jsonencode({',
    '    Version = "2012-10-17"',
    '    Statement = [{',
    '      Effect   = "Allow"',
    `      Action   = ["${ACTIONS_PLACEHOLDER}"]`,
    `      Resource = ["${RESOURCES_PLACEHOLDER}"]`,
    '    }]',
    '  })',
    '}',
    '',
  ].join('\n');
}

/** The fix for a finding whose plan `check` recorded. */
export function instanceProfileFix(document: ParsedDocument, span: readonly [number, number], plan: FixPlan): Fix[] {
  const tree = document.tree('hcl');
  const block = hclBlockHolding(tree, span, RESOURCE);
  const userData = block ? hclAttribute(block.body, plan.attribute) : undefined;
  if (!block || !userData) return [];
  const edits: TextEdit[] = [];
  for (let i = 0; i + 1 < plan.remove.length; i += 2) edits.push({ span: [plan.remove[i]!, plan.remove[i + 1]!], newText: '' });
  if (plan.profile) {
    return [{ title: `Remove the static AWS keys from ${plan.attribute} (the existing instance profile's role needs the permissions they were used for)`, edits }];
  }
  const label = block.labels[1] ?? '';
  const name = freeName(hclBlocks(tree), terraformName(label, 'instance'));
  const path = `${label.replace(/[^\w-]/g, '_') || 'instance'}-instance-profile.tf`;
  return [
    {
      title: `Remove the static AWS keys from ${plan.attribute} and attach a new instance profile (new file ${path}; fill in the role's permissions)`,
      edits: [profileEdit(document.text, block, userData.node, name), ...edits],
      createFiles: [{ path, text: instanceProfileFile(`${block.labels[0]}.${label}`, name, terraformName(label, 'instance')) }],
      placeholders: [ACTIONS_PLACEHOLDER, RESOURCES_PLACEHOLDER],
    },
  ];
}
